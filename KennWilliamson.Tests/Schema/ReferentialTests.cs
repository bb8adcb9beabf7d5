using KennWilliamson.Tests.Infrastructure;
using Npgsql;

namespace KennWilliamson.Tests.Schema;

/// <summary>What the foreign keys and unique indexes do to rows.</summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class ReferentialTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Deleting_a_user_removes_their_timers_and_role_assignments()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var userId = await connection.InsertUserAsync();
        var other = await connection.InsertUserAsync();
        try
        {
            await AssignAsync(connection, userId, "user", null);
            await AssignAsync(connection, userId, "admin", null);
            await AssignAsync(connection, other, "user", null);
            await connection.ExecuteAsync("INSERT INTO incident_timers (user_id) VALUES ($1), ($1), ($2)", userId, other);

            Assert.Equal(1, await connection.ExecuteAsync("DELETE FROM users WHERE id = $1", userId));

            Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM incident_timers WHERE user_id = $1", userId));
            Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM user_roles WHERE user_id = $1", userId));
            // Another user's rows stay.
            Assert.Equal(1L, await connection.ScalarAsync<long>("SELECT count(*) FROM incident_timers WHERE user_id = $1", other));
            Assert.Equal(1L, await connection.ScalarAsync<long>("SELECT count(*) FROM user_roles WHERE user_id = $1", other));
        }
        finally
        {
            await connection.DeleteUserAsync(userId);
            await connection.DeleteUserAsync(other);
        }
    }

    [Fact]
    public async Task Deleting_the_admin_who_assigned_roles_keeps_those_assignments_with_assigned_by_null()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var admin = await connection.InsertUserAsync();
        var member = await connection.InsertUserAsync();
        try
        {
            await AssignAsync(connection, admin, "admin", null);
            var first = await AssignAsync(connection, member, "user", admin);
            var second = await AssignAsync(connection, member, "admin", admin);

            await connection.DeleteUserAsync(admin);

            var rows = await connection.RowsAsync(
                "SELECT id, assigned_by FROM user_roles WHERE user_id = $1 ORDER BY id", member);
            Assert.Equal(new[] { first, second }.Order(), rows.Select(r => (Guid)r[0]!));
            Assert.All(rows, r => Assert.Null(r[1]));
        }
        finally
        {
            await connection.DeleteUserAsync(admin);
            await connection.DeleteUserAsync(member);
        }
    }

    [Fact]
    public async Task Deleting_a_role_removes_its_assignments()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var userId = await connection.InsertUserAsync();
        var roleName = $"schema-{Guid.NewGuid():N}";
        try
        {
            var roleId = await connection.ScalarAsync<Guid>("INSERT INTO roles (name) VALUES ($1) RETURNING id", roleName);
            await AssignAsync(connection, userId, roleName, null);
            await AssignAsync(connection, userId, "user", null);

            await connection.ExecuteAsync("DELETE FROM roles WHERE id = $1", roleId);

            Assert.Equal(["user"], await connection.ColumnAsync<string>(
                "SELECT r.name::text FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1", userId));
        }
        finally
        {
            await connection.DeleteUserAsync(userId);
            await connection.ExecuteAsync("DELETE FROM roles WHERE name = $1", roleName);
        }
    }

    [Fact]
    public async Task Registering_an_email_that_differs_only_in_letter_case_is_refused_by_the_database()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var tag = Guid.NewGuid().ToString("N");
        var userId = await connection.InsertUserAsync($"kenn.{tag}@example.com");
        try
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => connection.InsertUserAsync($"Kenn.{tag}@Example.com"));
            Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);

            var exact = await Assert.ThrowsAsync<PostgresException>(() => connection.InsertUserAsync($"kenn.{tag}@example.com"));
            Assert.Equal(PostgresErrorCodes.UniqueViolation, exact.SqlState);

            Assert.Equal(1L, await connection.ScalarAsync<long>("SELECT count(*) FROM users WHERE lower(email) = $1", $"kenn.{tag}@example.com"));
        }
        finally
        {
            await connection.DeleteUserAsync(userId);
        }
    }

    [Fact]
    public async Task A_second_user_with_the_same_slug_is_refused()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var slug = $"slug-{Guid.NewGuid():N}";
        var first = await connection.ScalarAsync<Guid>(
            "INSERT INTO users (email, password_hash, display_name, slug) VALUES ($1, 'h', 'One', $2) RETURNING id", $"{slug}.1@example.com", slug);
        try
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ScalarAsync<Guid>(
                "INSERT INTO users (email, password_hash, display_name, slug) VALUES ($1, 'h', 'Two', $2) RETURNING id", $"{slug}.2@example.com", slug));
            Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
        }
        finally
        {
            await connection.DeleteUserAsync(first);
        }
    }

    [Fact]
    public async Task Assigning_the_same_role_to_a_user_twice_is_refused()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var userId = await connection.InsertUserAsync();
        try
        {
            await AssignAsync(connection, userId, "user", null);
            var error = await Assert.ThrowsAsync<PostgresException>(() => AssignAsync(connection, userId, "user", null));
            Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
        }
        finally
        {
            await connection.DeleteUserAsync(userId);
        }
    }

    private static Task<Guid> AssignAsync(NpgsqlConnection connection, Guid userId, string role, Guid? assignedBy) =>
        connection.ScalarAsync<Guid>(
            "INSERT INTO user_roles (user_id, role_id, assigned_by) SELECT $1, id, $3 FROM roles WHERE name = $2 RETURNING id",
            userId, role, assignedBy);
}
