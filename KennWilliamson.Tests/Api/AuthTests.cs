using System.Net;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Api;

[Trait(Layer.Trait, Layer.Api)]
public sealed class AuthTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private HttpClient Http => fixture.Api;

    [Fact]
    public async Task Register_answers_201_with_tokens_and_the_user_in_snake_case()
    {
        var email = ApiClient.UniqueEmail();
        using var response = await Http.SendAsync(HttpMethod.Post, "/api/auth/register",
            new { email, password = ApiClient.Password, display_name = "Shape Check" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(["token", "refresh_token", "user"], body.PropertyNames());
        var user = body.GetProperty("user");
        Assert.Equal(["id", "email", "display_name", "slug", "roles", "created_at"], user.PropertyNames());
        Assert.Equal(email, user.GetProperty("email").GetString());
        Assert.Equal("Shape Check", user.GetProperty("display_name").GetString());
        Assert.Equal(["user"], user.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(3, body.GetProperty("token").GetString()!.Split('.').Length);
        Assert.DoesNotContain("password", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Registering_an_email_twice_in_any_letter_case_is_a_conflict()
    {
        var account = await Http.RegisterAsync();

        foreach (var email in new[] { account.Email, account.Email.ToUpperInvariant() })
        {
            using var again = await Http.SendAsync(HttpMethod.Post, "/api/auth/register",
                new { email, password = ApiClient.Password, display_name = "Second" });
            await again.AssertProblemAsync(HttpStatusCode.Conflict, "Email already exists");
        }
    }

    [Fact]
    public async Task Login_with_the_right_password_answers_tokens_and_me_answers_the_user()
    {
        var account = await Http.RegisterAsync("Login Check");

        using var login = await Http.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = account.Email.ToUpperInvariant(), password = account.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var body = await login.JsonAsync();
        Assert.Equal(["token", "refresh_token", "user"], body.PropertyNames());
        Assert.Equal(account.Id, body.GetProperty("user").GetProperty("id").GetString());

        using var me = await Http.SendAsync(HttpMethod.Get, "/api/auth/me", token: body.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var user = await me.JsonAsync();
        Assert.Equal(account.Id, user.GetProperty("id").GetString());
        Assert.Equal("login-check", user.GetProperty("slug").GetString());
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_get_the_same_401()
    {
        var account = await Http.RegisterAsync();

        using var wrongPassword = await Http.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = account.Email, password = "WrongPassword1" });
        await wrongPassword.AssertProblemAsync(HttpStatusCode.Unauthorized, "Invalid email or password");

        using var unknown = await Http.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = ApiClient.UniqueEmail("nobody"), password = "WrongPassword1" });
        await unknown.AssertProblemAsync(HttpStatusCode.Unauthorized, "Invalid email or password");
    }

    [Fact]
    public async Task Registration_writes_the_user_and_the_user_role_together()
    {
        var account = await Http.RegisterAsync();

        await using var db = await Connections.OpenAsync(fixture.OwnerConnectionString);
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT string_agg(r.name, ',') FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1", db)
        { Parameters = { new() { Value = Guid.Parse(account.Id) } } };
        Assert.Equal("user", await command.ExecuteScalarAsync());
    }
}
