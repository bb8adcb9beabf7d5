using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// The start-up checks of every "so many per window" limit (register, login and refresh per address, failed
/// logins per email, timer writes per account), each failure naming the setting as configuration spells it.
/// A limit below 1 would refuse every request or fail it with a 500; a window outside these bounds is no
/// limit (under a second: Retry-After counts whole seconds) or more than a limiter's timer holds. The API
/// does not start with either.
/// </summary>
public static class LimitSettings
{
    public static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(1);

    public static IEnumerable<ValidationResult> Check(string section, int permitLimit, TimeSpan window)
    {
        if (permitLimit < 1)
        {
            yield return new ValidationResult($"{section}:PermitLimit must be at least 1 (it is {permitLimit}).", ["PermitLimit"]);
        }
        if (window < MinWindow || window > MaxWindow)
        {
            yield return new ValidationResult($"{section}:Window must be from {MinWindow:c} to {MaxWindow:c} (it is {window:c}).", ["Window"]);
        }
    }
}

/// <summary>Settings bound from configuration and checked before the API starts, each problem in its own words.</summary>
public static class ValidatedSettings
{
    /// <summary><typeparamref name="T"/> from <paramref name="section"/>; its data annotations and IValidatableObject are its checks.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class
    {
        services.AddSingleton<IValidateOptions<T>, MessagesOnly<T>>();
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>
    /// What the start-up check would stop the host with, as plain messages (empty when all is well), so the API
    /// can say them one a line instead of dying with a stack trace. A value that does not convert (a limit of
    /// "ten") is reported by the binder, which names the setting too.
    /// </summary>
    public static IReadOnlyList<string> Problems(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException or InvalidOperationException))
        {
            return [.. ex.InnerExceptions.SelectMany(Messages)];
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
        {
            return [.. Messages(ex)];
        }
    }

    /// <summary>Runs the API when its settings hold; else says each problem on a line and returns exit code 1.</summary>
    public static int RunWithValidSettings(this WebApplication app)
    {
        if (Problems(app.Services) is { Count: > 0 } problems)
        {
            foreach (var problem in problems)
            {
                Console.Error.WriteLine($"KennWilliamson.Api: {problem}");
            }
            return 1;
        }
        app.Run();
        return 0;
    }

    private static IEnumerable<string> Messages(Exception ex) => ex is OptionsValidationException validation ? validation.Failures : [ex.Message];

    /// <summary>The validation results' own messages, without the "DataAnnotation validation failed for ..." wrapping.</summary>
    private sealed class MessagesOnly<T> : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var results = new List<ValidationResult>();
            return Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(results.Select(r => r.ErrorMessage ?? $"{typeof(T).Name} is not valid."));
        }
    }
}
