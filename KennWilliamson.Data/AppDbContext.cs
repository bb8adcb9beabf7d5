using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.Data;

/// <summary>
/// The database of kennwilliamson.org. Shared by the migration worker (which owns the migrations and
/// connects as the schema owner) and the API (which connects as the least-privilege role).
/// </summary>
/// <remarks>
/// Add a migration, from the repository root, without a running AppHost:
/// <code>dotnet tool restore &amp;&amp; dotnet ef migrations add NAME --project KennWilliamson.MigrationService --output-dir Migrations</code>
/// The worker's <c>DesignTimeDbContextFactory</c> supplies the provider; no database is contacted.
/// </remarks>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Role> Roles => Set<Role>();
    public DbSet<UserRole> UserRoles => Set<UserRole>();
    public DbSet<IncidentTimer> IncidentTimers => Set<IncidentTimer>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);

    /// <summary>The options both services use: snake_case names and the migrations of the worker.</summary>
    public static void Configure(DbContextOptionsBuilder options) => options.UseSnakeCaseNamingConvention();

    public const string MigrationsAssembly = "KennWilliamson.MigrationService";
}
