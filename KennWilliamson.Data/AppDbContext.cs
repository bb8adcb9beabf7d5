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

    /// <summary>
    /// The option every user of this model needs (the worker, the API, the tests): snake_case names.
    /// The provider and its connection come from each caller.
    /// </summary>
    public static void Configure(DbContextOptionsBuilder options) => options.UseSnakeCaseNamingConvention();

    /// <summary>
    /// Where the migrations live. Only the worker (and its design-time factory) names it: the API never
    /// migrates, and the Data project cannot reference the worker's assembly.
    /// </summary>
    public const string MigrationsAssembly = "KennWilliamson.MigrationService";
}
