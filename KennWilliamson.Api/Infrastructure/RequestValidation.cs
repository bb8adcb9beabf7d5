using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// Every <c>/api</c> endpoint's validation: strings PostgreSQL can store, then <see cref="IValidatable"/> rules.
/// The plan is built once per endpoint, so a request pays no reflection.
/// </summary>
public static class RequestValidation
{
    private sealed record TextCheck(int Argument, string Field, Func<object, string?>? Property);

    public static TBuilder ValidateRequests<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory(Create);

    internal static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var services = context.ApplicationServices.GetService<IServiceProviderIsService>();
        var texts = new List<TextCheck>();
        var rules = new List<int>();
        var parameters = context.MethodInfo.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            if (parameter.ParameterType == typeof(string))
            {
                texts.Add(new TextCheck(i, ClientName(parameter), null));
            }
            else if (IsRequestRecord(parameter.ParameterType, services))
            {
                texts.AddRange(StringProperties(parameter.ParameterType).Select(p => new TextCheck(i, p.Field, p.Get)));
                if (parameter.ParameterType.IsAssignableTo(typeof(IValidatable)))
                {
                    rules.Add(i);
                }
            }
        }
        if (texts.Count == 0 && rules.Count == 0)
        {
            return next;
        }
        var (textPlan, rulePlan) = (texts.ToArray(), rules.ToArray());
        return invocation => (Unstorable(invocation, textPlan) ?? Broken(invocation, rulePlan)) is { } refusal
            ? ValueTask.FromResult<object?>(TypedResults.Problem(refusal))
            : next(invocation);
    }

    private static ProblemDetails? Unstorable(EndpointFilterInvocationContext invocation, TextCheck[] plan)
    {
        foreach (var check in plan)
        {
            var argument = invocation.Arguments[check.Argument];
            var value = check.Property is null ? argument as string : argument is null ? null : check.Property(argument);
            if (!StorableText.IsStorable(value))
            {
                return ApiProblems.Field(check.Field, StorableText.Message(check.Field));
            }
        }
        return null;
    }

    private static ProblemDetails? Broken(EndpointFilterInvocationContext invocation, int[] plan)
    {
        foreach (var index in plan)
        {
            if (invocation.Arguments[index] is IValidatable request)
            {
                var errors = new FieldErrors();
                request.Validate(errors);
                if (!errors.IsEmpty)
                {
                    return ApiProblems.Create(StatusCodes.Status400BadRequest, errors.FirstMessage, errors.ToDictionary());
                }
            }
        }
        return null;
    }

    /// <summary>The name the client used: the route or query name when the parameter renames it.</summary>
    private static string ClientName(ParameterInfo parameter) =>
        parameter.GetCustomAttribute<FromRouteAttribute>()?.Name
        ?? parameter.GetCustomAttribute<FromQueryAttribute>()?.Name
        ?? parameter.GetCustomAttribute<FromHeaderAttribute>()?.Name
        ?? parameter.Name!;

    /// <summary>A body or [AsParameters] record of this API: one of its own classes that is not a service.</summary>
    private static bool IsRequestRecord(Type type, IServiceProviderIsService? services) =>
        type.IsClass && type.Assembly == typeof(RequestValidation).Assembly && services?.IsService(type) != true;

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
