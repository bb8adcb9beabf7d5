using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// The edge check every <c>/api</c> endpoint runs before its handler: each bound string (route and query
/// values, and the string properties of request bodies) must be text PostgreSQL can store
/// (<see cref="StorableText"/>), else 400 problem details naming the field as the client sent it.
/// Which arguments to look at, and their names, is worked out once per endpoint when it is built;
/// a request pays only the O(length) scans, no reflection. An endpoint with nothing to check gets no filter.
/// </summary>
public static class InputGuard
{
    private sealed record Check(int Argument, string Field, Func<object, string?>? Property);

    public static TBuilder GuardInputs<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory(Create);

    internal static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var services = context.ApplicationServices.GetService<IServiceProviderIsService>();
        var checks = new List<Check>();
        var parameters = context.MethodInfo.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            if (parameter.ParameterType == typeof(string))
            {
                checks.Add(new Check(i, ClientName(parameter), null));
            }
            else if (IsRequestRecord(parameter.ParameterType, services))
            {
                checks.AddRange(StringProperties(parameter.ParameterType).Select(p => new Check(i, p.Field, p.Get)));
            }
        }
        if (checks.Count == 0)
        {
            return next;
        }
        var plan = checks.ToArray();
        return invocation =>
        {
            foreach (var check in plan)
            {
                var argument = invocation.Arguments[check.Argument];
                var value = check.Property is null ? argument as string : argument is null ? null : check.Property(argument);
                if (!StorableText.IsStorable(value))
                {
                    var message = StorableText.Message(check.Field);
                    return ValueTask.FromResult<object?>(TypedResults.Problem(ApiProblems.Field(check.Field, message)));
                }
            }
            return next(invocation);
        };
    }

    /// <summary>The name the client used: the route or query name when the parameter renames it.</summary>
    private static string ClientName(ParameterInfo parameter) =>
        parameter.GetCustomAttribute<FromRouteAttribute>()?.Name
        ?? parameter.GetCustomAttribute<FromQueryAttribute>()?.Name
        ?? parameter.GetCustomAttribute<FromHeaderAttribute>()?.Name
        ?? parameter.Name!;

    /// <summary>A body or [AsParameters] record of this API: one of its own classes that is not a service.</summary>
    private static bool IsRequestRecord(Type type, IServiceProviderIsService? services) =>
        type.IsClass && type.Assembly == typeof(InputGuard).Assembly && services?.IsService(type) != true;

    /// <summary>Compiled getters of the record's string properties, named as the JSON serializer names them.</summary>
    private static IEnumerable<(string Field, Func<object, string?> Get)> StringProperties(Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.PropertyType != typeof(string) || property.GetMethod is null)
            {
                continue;
            }
            var instance = Expression.Parameter(typeof(object));
            var get = Expression.Lambda<Func<object, string?>>(Expression.Property(Expression.Convert(instance, type), property), instance).Compile();
            yield return (JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name), get);
        }
    }
}
