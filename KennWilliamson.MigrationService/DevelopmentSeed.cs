using KennWilliamson.Data;
using KennWilliamson.Data.Entities;
using KennWilliamson.Data.Security;
using KennWilliamson.Data.Sql;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.MigrationService;

/// <summary><c>--seed</c>: kenn@example.com / TestPassword1 and one timer; idempotent.</summary>
internal static class DevelopmentSeed
{
    public const string Email = "kenn@example.com";
    public const string Password = "TestPassword1";

    public static async Task ApplyAsync(AppDbContext db, ILogger logger, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(ct, async c =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(c);
            if (await db.Users.WithEmail(Email).AnyAsync(c))
            {
                logger.LogInformation("Seed data already present.");
                return;
            }

            var userRole = await db.Roles.SingleAsync(r => r.Name == Role.UserRoleName, c);
            var user = new User { Email = Email, PasswordHash = PasswordHasher.Hash(Password), DisplayName = "Kenn", Slug = "kenn" };
            user.Roles.Add(new UserRole { RoleId = userRole.Id });
            user.IncidentTimers.Add(new IncidentTimer
            {
                ResetTimestamp = DateTimeOffset.UtcNow.AddDays(-3),
                Notes = "Seeded by the migration worker (--seed).",
            });
            db.Users.Add(user);
            await db.SaveChangesAsync(c);
            await tx.CommitAsync(c);
            logger.LogInformation("Seeded {Email} with one timer.", Email);
        });
    }
}
