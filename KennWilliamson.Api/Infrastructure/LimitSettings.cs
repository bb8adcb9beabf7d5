using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>Start-up checks of every "so many per window" limit; a window under a second is no limit (Retry-After counts seconds).</summary>
public static class LimitSettings
{
    public static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(1);

    public static IEnumerable<ValidationResult> Check(string section, int permitLimit, TimeSpan window)
    {
        if (permitLimit < 1)
        {
            yield return new ValidationResult($"{section}:PermitLimit must be at least 1 (it is {permitLimit}).");
        }
        if (window < MinWindow || window > MaxWindow)
        {
            yield return new ValidationResult($"{section}:Window must be from {MinWindow:c} to {MaxWindow:c} (it is {window:c}).");
        }
    }
}

public static class ValidatedSettings
{
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class
    {
        services.AddSingleton<IValidateOptions<T>, MessagesOnly<T>>();
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>The start-up check's failures as plain messages, so the API can print them instead of a stack trace.</summary>
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

    /// <summary>Drops the "DataAnnotation validation failed for ..." wrapping.</summary>
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
