using System.Diagnostics.Metrics;
using KennWilliamson.Data;

namespace KennWilliamson.Api.Health;

/// <summary>
/// Publishes the latest storage sample as gauges, so the exporter's frequent collection never asks the database;
/// warns once per fall under <c>Monitoring:LowFreeSpaceRatio</c>, then hourly. Of several replicas only the one
/// holding the sampler's advisory lock samples, so the application reports its storage once.
/// </summary>
public sealed class StorageMonitor : BackgroundService
{
    public const string MeterName = "KennWilliamson.Storage";
    private static readonly TimeSpan RepeatLowWarning = TimeSpan.FromHours(1);

    private readonly IServiceScopeFactory _scopes;
    private readonly StorageSamplerElection _election;
    private readonly StorageSampler _sampler;
    private readonly ILogger<StorageMonitor> _logger;
    private readonly TimeSpan _interval;
    private readonly double _lowRatio;
    private StorageDetails? _latest;
    private DateTimeOffset? _lowSince;
    private DateTimeOffset _lastWarning;

    public StorageMonitor(IServiceScopeFactory scopes, StorageSampler sampler, StorageSamplerElection election, IMeterFactory meters,
        IConfiguration configuration, ILogger<StorageMonitor> logger)
    {
        _scopes = scopes;
        _election = election;
        _sampler = sampler;
        _logger = logger;
        _interval = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Monitoring:StorageIntervalSeconds", 60)));
        _lowRatio = configuration.GetValue("Monitoring:LowFreeSpaceRatio", 0.10);

        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("kennwilliamson.db.size", () => Measure<long>(s => s.DatabaseBytes), "By",
            "Size of the kennwilliamson database on disk (pg_database_size).");
        meter.CreateObservableGauge("kennwilliamson.db.table.size", TableSizes, "By",
            $"The {StorageSampler.LargestTableCount} largest tables with their indexes and TOAST (pg_total_relation_size), tagged db.table.");
        meter.CreateObservableGauge("kennwilliamson.db.data_directory.free", () => Measure<long>(s => s.DataDirectory?.FreeBytes), "By",
            "Free space of the filesystem holding PostgreSQL's data directory (local mode).");
        meter.CreateObservableGauge("kennwilliamson.db.data_directory.free_ratio", () => Measure<double>(s => s.DataDirectory?.FreeRatio), "1",
            "Free share (0..1) of the filesystem holding PostgreSQL's data directory (local mode).");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        do
        {
            try
            {
                if (!await _election.LeadAsync(stoppingToken))
                {
                    continue;
                }
                await using var scope = _scopes.CreateAsyncScope();
                var sample = await _sampler.SampleAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), stoppingToken);
                Volatile.Write(ref _latest, sample);
                WarnWhenLow(sample);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException or IOException)
            {
                // The database health endpoint reports an outage; the gauges keep their last sample.
                _logger.LogDebug(ex, "Storage sample skipped: {Message}", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>The latest sample; null while another replica samples.</summary>
    public StorageDetails? Latest => Volatile.Read(ref _latest);

    private void WarnWhenLow(StorageDetails sample)
    {
        if (sample.DataDirectory is not { } disk)
        {
            return;
        }
        if (disk.FreeRatio < _lowRatio)
        {
            var now = sample.SampledAt;
            if (_lowSince is null || now - _lastWarning >= RepeatLowWarning)
            {
                _lowSince ??= now;
                _lastWarning = now;
                _logger.LogWarning("Low disk space for PostgreSQL's data directory {Directory}: {FreeMb} MB free of {TotalMb} MB ({Percent:0.#} %), under the {Limit:0.#} % limit. Free space or grow the volume before writes fail.",
                    _sampler.DataDirectory, disk.FreeBytes >> 20, disk.TotalBytes >> 20, disk.FreeRatio * 100, _lowRatio * 100);
            }
        }
        else if (_lowSince is not null)
        {
            _lowSince = null;
            _logger.LogInformation("Disk space for PostgreSQL's data directory is back above {Limit:0.#} %: {Percent:0.#} % free.", _lowRatio * 100, disk.FreeRatio * 100);
        }
    }

    private IEnumerable<Measurement<T>> Measure<T>(Func<StorageDetails, T?> value) where T : struct =>
        Volatile.Read(ref _latest) is { } s && value(s) is { } v ? [new Measurement<T>(v)] : [];

    private IEnumerable<Measurement<long>> TableSizes() =>
        Volatile.Read(ref _latest)?.LargestTables.Select(t => new Measurement<long>(t.Bytes, new KeyValuePair<string, object?>("db.table", t.Table))) ?? [];
}
