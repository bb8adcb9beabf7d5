using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the model without a running AppHost: adding a migration
/// never opens the connection, so the placeholder connection string is only there to pick the provider.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        AppDbContext.Configure(options);
        options.UseNpgsql(
            Environment.GetEnvironmentVariable("ConnectionStrings__kennwilliamson") ?? "Host=localhost;Database=kennwilliamson",
            npgsql => npgsql.MigrationsAssembly(AppDbContext.MigrationsAssembly));
        options.ReplaceService<IHistoryRepository, TimestampedHistoryRepository>();
        return new AppDbContext(options.Options);
    }
}
