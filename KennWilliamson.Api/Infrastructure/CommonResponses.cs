using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// Adds the statuses the pipeline can answer whatever the handler declares, so the document lists every status a
/// client can see (the fuzz suite holds the API to it); the handler's own come from its Results&lt;...&gt; signature.
/// </summary>
internal sealed class CommonResponses : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var hasBody = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body);

        var hasInput = hasBody || description.ParameterDescriptions.Any(
            p => p.Source == BindingSource.Path || p.Source == BindingSource.Query || p.Source == BindingSource.Header);
        if (hasInput)
        {
            Add(operation, StatusCodes.Status400BadRequest, "Bad Request");
        }
        if (!metadata.OfType<IAllowAnonymous>().Any())
        {
            Add(operation, StatusCodes.Status401Unauthorized, "Unauthorized");
        }
        if (metadata.OfType<AuthorizationPolicy>().Any(p => p.Requirements.Any(r => r is CurrentAdminRequirement or RolesAuthorizationRequirement))
            || metadata.OfType<IAuthorizeData>().Any(a => !string.IsNullOrEmpty(a.Roles)))
        {
            Add(operation, StatusCodes.Status403Forbidden, "Forbidden");
        }
        if (hasBody)
        {
            Add(operation, StatusCodes.Status413PayloadTooLarge, "Payload Too Large");
            Add(operation, StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type");
        }
        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            Add(operation, StatusCodes.Status429TooManyRequests, "Too Many Requests");
        }
        // Kestrel's own refusal of a request line over its 8 KB limit, before the application.
        Add(operation, StatusCodes.Status414UriTooLong, "URI Too Long");
        Add(operation, StatusCodes.Status503ServiceUnavailable, "Service Unavailable");
        return Task.CompletedTask;
    }

    private static void Add(OpenApiOperation operation, int status, string description)
    {
        operation.Responses ??= [];
        operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() },
        });
    }
}
