using KennWilliamson.AppHost;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests;

/// <summary>The AppHost's model in each mode, built but not started (no container engine is needed).</summary>
[Collection(AppHostSequence.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
public sealed class AppHostModelTests
{
    [Fact]
    public async Task Container_mode_models_the_custom_postgres_17_image_with_volume_and_pg_admin()
    {
        await using var builder = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.KennWilliamson_AppHost>(["--Postgres:Mode=container"])
            .WaitAsync(TimeSpan.FromMinutes(1));

        var postgres = Assert.IsAssignableFrom<ContainerResource>(Assert.Single(builder.Resources, r => r.Name == "postgres"));
        var build = Assert.Single(postgres.Annotations.OfType<DockerfileBuildAnnotation>());
        Assert.Equal(Path.Combine(TestPaths.RepositoryRoot, "postgres"), Path.GetFullPath(build.ContextPath));
        Assert.Equal(Path.Combine(TestPaths.RepositoryRoot, "postgres", "Dockerfile"), Path.GetFullPath(build.DockerfilePath));
        Assert.True(File.Exists(build.DockerfilePath));
        Assert.Equal("17", postgres.Annotations.OfType<ContainerImageAnnotation>().Last().Tag);
        var volume = Assert.Single(postgres.Annotations.OfType<ContainerMountAnnotation>(), m => m.Type == ContainerMountType.Volume);
        Assert.Equal("/var/lib/postgresql/data", volume.Target);

        Assert.Contains(builder.Resources, r => r is ContainerResource && r.Name.Contains("pgadmin", StringComparison.Ordinal));
        Assert.IsType<RedisResource>(Assert.Single(builder.Resources, r => r.Name == "limits"));
        var database = Assert.IsAssignableFrom<IResourceWithParent>(Assert.Single(builder.Resources, r => r.Name == "kennwilliamson"));
        Assert.Same(postgres, database.Parent);
    }

    [Fact]
    public async Task Local_mode_model_holds_no_container_resource()
    {
        var dataDirectory = TestPaths.NewTempDirectory("model");
        await using var builder = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.KennWilliamson_AppHost>(["--Postgres:Mode=local", $"--Postgres:DataDirectory={dataDirectory}"])
            .WaitAsync(TimeSpan.FromMinutes(1));

        Assert.DoesNotContain(builder.Resources, r => r is ContainerResource);
        var postgres = Assert.IsAssignableFrom<ExecutableResource>(Assert.Single(builder.Resources, r => r.Name == "postgres"));
        Assert.Contains(builder.Resources, r => r is ExecutableResource && r.Name == "postgres-init");
        var database = Assert.IsAssignableFrom<IResourceWithParent>(Assert.Single(builder.Resources, r => r.Name == "kennwilliamson"));
        Assert.Same(postgres, database.Parent);
        Assert.Contains(postgres.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "postgres-init" && w.WaitType == WaitType.WaitForCompletion);

        // The limits' Redis is the machine's redis-server too, its password in a file, and the API waits for it.
        var limits = Assert.IsAssignableFrom<ExecutableResource>(Assert.Single(builder.Resources, r => r.Name == "limits"));
        Assert.Equal("redis-server", Path.GetFileName(limits.Command));
        var collected = new List<object>();
        foreach (var callback in limits.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(new CommandLineArgsCallbackContext(collected, limits, CancellationToken.None));
        }
        var args = collected.Select(a => a.ToString() ?? "").ToList();
        Assert.Equal(Path.Combine(Path.GetDirectoryName(dataDirectory)!, "redis", "redis.conf"), args[0]);
        Assert.DoesNotContain(args, a => a.Contains("requirepass", StringComparison.Ordinal));
        Assert.Equal("127.0.0.1", args[args.IndexOf("--bind") + 1]);
        var api = Assert.Single(builder.Resources, r => r.Name == "api");
        Assert.Contains(api.Annotations.OfType<WaitAnnotation>(), w => w.Resource == limits && w.WaitType == WaitType.WaitUntilHealthy);
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Local_mode_without_redis_server_stops_the_apphost_saying_how_to_install_it()
    {
        var result = await ChildProcess.RunAsync("dotnet", [TestPaths.ProjectDll("KennWilliamson.AppHost"), "--Postgres:Mode=local", "--Redis:ServerPath=/nonexistent/redis-server"],
            TimeSpan.FromMinutes(1), workingDirectory: Path.Combine(TestPaths.RepositoryRoot, "KennWilliamson.AppHost"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"KennWilliamson.AppHost: {LimitStore.MissingServerMessage}", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 8080)] // the README's address
    [InlineData(18080, 18080)]
    public async Task In_run_mode_the_api_listens_on_its_port_itself_without_the_development_proxy(int? setting, int expectedPort)
    {
        string[] args = setting is { } port ? ["--Postgres:Mode=container", $"{AppHostFactory.ApiPortArg}={port}"] : ["--Postgres:Mode=container"];
        await using var builder = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.KennWilliamson_AppHost>(args)
            .WaitAsync(TimeSpan.FromMinutes(1));

        var api = Assert.Single(builder.Resources, r => r.Name == "api");
        var http = Assert.Single(api.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http");
        // Proxied, every request would cross Aspire's development proxy first: about 30 % of the public
        // read's throughput (docs/benchmarks-reference.md).
        Assert.False(http.IsProxied);
        Assert.Equal(expectedPort, http.Port);
    }

    [Fact]
    public async Task Auto_mode_with_no_runtime_and_no_binaries_stops_naming_both_remedies()
    {
        var emptyBin = TestPaths.NewTempDirectory("emptybin");
        var result = await ChildProcess.RunAsync("dotnet",
            [
                TestPaths.ProjectDll("KennWilliamson.AppHost"),
                "--Postgres:Mode=auto", "--Postgres:ContainerRuntime=/nonexistent/docker", $"--Postgres:BinDirectory={emptyBin}",
            ],
            TimeSpan.FromMinutes(1), workingDirectory: Path.Combine(TestPaths.RepositoryRoot, "KennWilliamson.AppHost"));
        Directory.Delete(emptyBin);

        Assert.NotEqual(0, result.ExitCode);
        var message = result.Error;
        Assert.Contains("container engine", message, StringComparison.Ordinal);
        Assert.Contains("apt-get install postgresql", message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal); // a message, not a stack trace
        Assert.DoesNotContain("Distributed application started", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("80a")]
    [InlineData("99999999999")]
    public async Task An_api_port_that_is_no_port_stops_the_apphost_with_what_to_give(string port)
    {
        var result = await ChildProcess.RunAsync("dotnet", [TestPaths.ProjectDll("KennWilliamson.AppHost"), $"{AppHostFactory.ApiPortArg}={port}"],
            TimeSpan.FromMinutes(1), workingDirectory: Path.Combine(TestPaths.RepositoryRoot, "KennWilliamson.AppHost"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"Api:HttpPort is '{port}': give the API's port as a number from 1 to 65535", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Distributed application started", result.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Settings given to the AppHost become the values of the API's parameters and reach its environment; one not given
    /// keeps its default (the API reading them is the unit layer's business).
    /// </summary>
    [Fact]
    public async Task The_settings_given_to_the_apphost_reach_the_api_resource()
    {
        await using var builder = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.KennWilliamson_AppHost>(["--Postgres:Mode=container", "--Jwt:AccessTokenLifetime=08:00:00",
                "--RateLimiting:Auth:PermitLimit=3", "--ForwardedHeaders:KnownProxies=10.0.0.1,10.0.0.2", "--Parameters:api-timer-write-permit-limit=7"])
            .WaitAsync(TimeSpan.FromMinutes(1));

        var api = Assert.IsAssignableFrom<IResourceWithEnvironment>(Assert.Single(builder.Resources, r => r.Name == "api"));
        // The environment callbacks run without starting anything; parameters are read for their values.
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run));
        foreach (var callback in api.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        var environment = new Dictionary<string, string?>();
        foreach (var (key, value) in context.EnvironmentVariables)
        {
            environment[key] = value switch
            {
                string text => text,
                ParameterResource parameter => await parameter.GetValueAsync(CancellationToken.None),
                _ => null,
            };
        }

        Assert.Equal("08:00:00", environment["Jwt__AccessTokenLifetime"]);
        Assert.Equal("3", environment["RateLimiting__Auth__PermitLimit"]);
        Assert.Equal("10.0.0.1,10.0.0.2", environment["ForwardedHeaders__KnownProxies"]);
        Assert.Equal("7", environment["RateLimiting__TimerWrites__PermitLimit"]); // by its parameter name
        Assert.Equal("5", environment["RateLimiting__FailedLogins__PermitLimit"]); // not given: the default
        Assert.Equal("1", environment["Api__Replicas"]);
    }

    /// <summary>The dashboard asks before any command that deletes or grants: reset, reset with seed, purge, grant admin.</summary>
    [Fact]
    public async Task Every_command_that_deletes_data_or_grants_a_role_asks_for_confirmation()
    {
        await using var builder = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.KennWilliamson_AppHost>(["--Postgres:Mode=container"])
            .WaitAsync(TimeSpan.FromMinutes(1));

        var commands = Assert.Single(builder.Resources, r => r.Name == "kennwilliamson").Annotations.OfType<ResourceCommandAnnotation>().ToList();
        string[] asking = [DatabaseCommands.Reset, DatabaseCommands.ResetWithSeed, DatabaseCommands.PurgeAudit, DatabaseCommands.GrantAdmin];
        Assert.All(asking, name => Assert.False(string.IsNullOrWhiteSpace(Assert.Single(commands, c => c.Name == name).ConfirmationMessage), $"{name} asks nothing"));
        // Only commands that change no row go without asking.
        Assert.All(commands.Where(c => string.IsNullOrWhiteSpace(c.ConfirmationMessage)),
            c => Assert.Contains(c.Name, (string[])[DatabaseCommands.BackUp, DatabaseCommands.Rehearse]));
    }

    /// <summary>
    /// The http profile needs no certificate, so no resource may ask for one: Aspire warns (a red notification in the
    /// dashboard) when any resource has an https endpoint or the developer certificate's HTTPS configuration.
    /// </summary>
#pragma warning disable ASPIRECERTIFICATES001 // the annotations Aspire itself reads to decide whether to warn
    [Theory]
    [InlineData("container")]
    [InlineData("local")]
    public async Task No_resource_asks_for_a_development_certificate_in_run_mode(string mode)
    {
        await using var builder = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.KennWilliamson_AppHost>([$"--Postgres:Mode={mode}", "--Api:Replicas=2"])
            .WaitAsync(TimeSpan.FromMinutes(1));

        var asking = builder.Resources
            .Where(r => r.Annotations.OfType<EndpointAnnotation>().Any(e => e.UriScheme == "https")
                || (r.Annotations.OfType<HttpsCertificateConfigurationCallbackAnnotation>().Any()
                    && !(r.TryGetLastAnnotation<HttpsCertificateAnnotation>(out var certificate) && certificate.UseDeveloperCertificate is false or null && certificate.Certificate is null)))
            .Select(r => $"{r.Name}: {string.Join(", ", r.Annotations.OfType<EndpointAnnotation>().Select(e => $"{e.Name} {e.UriScheme}"))}")
            .ToList();
        Assert.Empty(asking);
    }
#pragma warning restore ASPIRECERTIFICATES001
}
