using System.Net;
using System.Text;
using Orchestration.Activities.Stores;

namespace Orchestration.Api.Tests;

public sealed class AuthTests
{
    private const string Key = "k1-7f3a9c1d2e";

    [Fact]
    public async Task Requests_WithoutOrWithWrongKey_Unauthorized()
    {
        // Arrange
        await using var host = await ApiHost.StartAsync(o =>
        {
            o.Keys.Add(Key);
            o.Keys.Add("second-key");
        });

        // Act
        using var missing = await host.Http.GetAsync("/api/batches");
        using var wrong = await Send(host, HttpMethod.Get, "/api/batches", "k1-7f3a9c1d2f");
        using var prefix = await Send(host, HttpMethod.Get, "/api/batches", "k1-7f3a9c1d2");
        using var submit = await Send(host, HttpMethod.Post, "/api/batches", "nope", """{"id": "x", "tasks": [{"id": "a", "command": "x"}]}""");
        using var openApi = await host.Http.GetAsync("/api/openapi.json");
        using var bundle = await Send(host, HttpMethod.Put, "/api/inputs/" + new string('a', 64), null, "x");
        using var health = await host.Http.GetAsync("/api/health");
        using var schema = await host.Http.GetAsync("/api/schema/batch.json");
        using var right = await Send(host, HttpMethod.Get, "/api/batches", Key);
        using var second = await Send(host, HttpMethod.Get, "/api/batches/none", "second-key");

        // Assert
        foreach (var response in new[] { missing, wrong, prefix, submit, openApi, bundle })
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain(Key, body, StringComparison.Ordinal);
            Assert.DoesNotContain("nope", body, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, schema.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.Empty((await host.Batches.ListAsync(new BatchQuery())).Items);
    }

    private static async Task<HttpResponseMessage> Send(ApiHost host, HttpMethod method, string path, string? key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await host.Http.SendAsync(request);
    }
}
