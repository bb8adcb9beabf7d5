using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Data;
using KennWilliamson.Data.Sql;
using KennWilliamson.Data.Entities;
using KennWilliamson.Data.Security;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.Api.Accounts;

public sealed class UserAccounts(AppDbContext db, AuditLog audit)
{
    /// <summary>Matches emails the way the unique index on lower(email) does, in the database.</summary>
    public IQueryable<User> FindByEmail(string email) =>
        db.Users.WithEmail(email);

    /// <summary>Trimmed here, lower-cased by the database, as <see cref="FindByEmail"/> compares it.</summary>
    public Task<string> EmailKeyAsync(string email, CancellationToken ct) =>
        db.Database.Query<string>(AccountSql.EmailKey, AccountSql.EmailKey.Argument(0, email.Trim())).SingleAsync(ct);

    public Task<List<string>> RolesOfAsync(Guid userId, CancellationToken ct) =>
        db.UserRoles.Where(ur => ur.UserId == userId).OrderBy(ur => ur.Role!.Name).Select(ur => ur.Role!.Name).ToListAsync(ct);

    /// <summary>Only while the stored hash is still the one verified, so a concurrent change wins.</summary>
    public async Task UpgradePasswordHashAsync(User user, string password, CancellationToken ct)
    {
        var oldHash = user.PasswordHash;
        var newHash = PasswordHasher.Hash(password);
        var upgraded = await db.Users.Where(u => u.Id == user.Id && u.PasswordHash == oldHash)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.PasswordHash, newHash), ct);
        user.PasswordHash = newHash;
        if (upgraded > 0)
        {
            // The scheme only, never the hash itself.
            audit.Add(AuditActions.PasswordHashUpgraded, user.Id, $"user:{user.Id}", new { from = oldHash.Split('$', 3)[1] });
        }
    }
}
