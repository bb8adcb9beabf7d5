using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.Api.Accounts;

public static class SlugQueries
{
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
