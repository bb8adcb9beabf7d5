namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// Requests that match no endpoint end here with 404 problem details, before authentication: the fallback
/// (deny-by-default) policy would otherwise answer 401 to an anonymous caller and tell a scanner nothing
/// true. Runs after routing, so a matched endpoint (and a 405 for a wrong method) goes on as usual.
/// </summary>
public static class UnknownRoutes
{
    // A matched request goes straight on (no async state machine on every request); only a miss awaits.
    public static IApplicationBuilder UseUnknownRoutesAsNotFound(this IApplicationBuilder app) =>
        app.Use((context, next) => context.GetEndpoint() is not null ? next(context) : NotFoundAsync(context));

    private static async Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = ApiProblems.Create(StatusCodes.Status404NotFound, "Not found"),
        });
    }
}
