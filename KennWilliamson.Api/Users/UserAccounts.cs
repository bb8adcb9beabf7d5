using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Data;
using KennWilliamson.Data.Entities;
using KennWilliamson.Data.Security;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KennWilliamson.Api.Users;

/// <summary>
/// The database side of accounts: lookups by email (as the unique index compares them), roles, creation
/// and password-hash upgrades. Tokens and responses are the Auth feature's (Sessions).
/// </summary>
public sealed class UserAccounts(AppDbContext db, AuditLog audit)
{
    private const string EmailIndex = "ux_users_email_lower";
    private const string SlugIndex = "ix_users_slug";
    private const int SlugAttempts = 20;

    /// <summary>Matches emails the way the unique index on lower(email) does, in the database.</summary>
    public IQueryable<User> FindByEmail(string email) =>
        db.Users.FromSql($"SELECT * FROM users WHERE lower(email) = lower({email})");

    /// <summary>The email the way <see cref="FindByEmail"/> compares it: trimmed here, lower-cased by the database.</summary>
    public Task<string> EmailKeyAsync(string email, CancellationToken ct) =>
        db.Database.SqlQuery<string>($"SELECT lower({email.Trim()}) AS \"Value\"").SingleAsync(ct);

    public Task<List<string>> RolesOfAsync(Guid userId, CancellationToken ct) =>
        db.UserRoles.Where(ur => ur.UserId == userId).OrderBy(ur => ur.Role!.Name).Select(ur => ur.Role!.Name).ToListAsync(ct);

    /// <summary>
    /// Writes the user, their <c>user</c> role, and whatever <paramref name="alsoWrite"/> adds to the context
    /// for the new user (a session, an audit row), in one transaction. A slug taken by a concurrent
    /// registration moves on to the next suffix; null when the email is taken.
    /// </summary>
    public async Task<(User User, T Added)?> CreateAsync<T>(string email, string passwordHash, string displayName,
        Func<User, T> alsoWrite, CancellationToken ct)
    {
        var baseSlug = Slugs.FromDisplayName(displayName);
        var userRoleId = await db.Roles.Where(r => r.Name == Role.UserRoleName).Select(r => r.Id).SingleAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            var slug = await SlugQueries.FirstAvailableAsync(db, baseSlug, ct);
            try
            {
                return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
                {
                    db.ChangeTracker.Clear();
                    await using var tx = await db.Database.BeginTransactionAsync(ct);
                    var user = new User { Email = email, PasswordHash = passwordHash, DisplayName = displayName, Slug = slug };
                    user.Roles.Add(new UserRole { RoleId = userRoleId });
                    db.Users.Add(user);
                    await db.SaveChangesAsync(ct);
                    var added = alsoWrite(user);
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                    return ((User, T)?)(user, added);
                });
            }
            catch (DbUpdateException ex) when (ViolatedIndex(ex) == EmailIndex)
            {
                return null;
            }
            catch (DbUpdateException ex) when (ViolatedIndex(ex) == SlugIndex && attempt < SlugAttempts)
            {
                db.ChangeTracker.Clear(); // another registration took this slug a moment ago: take the next
            }
        }
    }

    /// <summary>
    /// Replaces a verified password's outdated hash (bcrypt, fewer iterations) with a current one; only
    /// when the stored hash is still the one that was verified, so a concurrent change wins.
    /// </summary>
    public async Task UpgradePasswordHashAsync(User user, string password, CancellationToken ct)
    {
        var oldHash = user.PasswordHash;
        var newHash = PasswordHasher.Hash(password);
        var upgraded = await db.Users.Where(u => u.Id == user.Id && u.PasswordHash == oldHash)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.PasswordHash, newHash), ct);
        user.PasswordHash = newHash;
        if (upgraded > 0)
        {
            // The scheme only (bcrypt, or PBKDF2 with fewer iterations), never the hash itself.
            audit.Add(AuditActions.PasswordHashUpgraded, user.Id, $"user:{user.Id}", new { from = oldHash.Split('$', 3)[1] });
        }
    }

    private static string? ViolatedIndex(DbUpdateException ex) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg ? pg.ConstraintName : null;
}
