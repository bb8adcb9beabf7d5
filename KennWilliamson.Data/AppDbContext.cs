using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.Data;

/// <summary>Shared by the migration worker (as schema owner) and the API (as the least-privilege role).</summary>
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

    public static void Configure(DbContextOptionsBuilder options) => options.UseSnakeCaseNamingConvention();

    /// <summary>Named only by the worker: the API never migrates, and Data cannot reference the worker.</summary>
    public const string MigrationsAssembly = "KennWilliamson.MigrationService";
}
