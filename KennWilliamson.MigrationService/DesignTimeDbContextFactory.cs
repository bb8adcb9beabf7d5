using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService;

/// <summary>For <c>dotnet ef migrations add</c>: the connection string only picks the provider.</summary>
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
