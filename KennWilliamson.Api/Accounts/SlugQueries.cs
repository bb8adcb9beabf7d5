using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.Api.Accounts;

/// <summary>The slugs users hold, read for <see cref="Slugs.FirstAvailable"/>.</summary>
public static class SlugQueries
{
    /// <summary>The first free slug of <c>slug</c>, <c>slug-2</c>, ...: the users' slugs that could collide, then the choice.</summary>
    public static async Task<string> FirstAvailableAsync(AppDbContext db, string slug, CancellationToken ct)
    {
        var prefix = slug + "-";
        var taken = await db.Users.AsNoTracking()
            .Where(u => u.Slug == slug || u.Slug.StartsWith(prefix))
            .Select(u => u.Slug)
            .ToListAsync(ct);
        return Slugs.FirstAvailable(slug, taken);
    }
}
