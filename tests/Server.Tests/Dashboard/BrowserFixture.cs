using System.Text.Json;
using OpenQA.Selenium.Chrome;

namespace Orchestration.Server.Tests.Dashboard;

/// <summary>One <c>serve</c> with an API key on a free loopback port and one headless Chromium driven by Debian's
/// <c>chromedriver</c>, shared by the dashboard tests.</summary>
/// <remarks>Chromium and chromium-driver come from Debian (<c>apt-get install chromium chromium-driver</c>; .ci/run
/// installs them when missing). The driver path is given, so Selenium never tries to download one.
/// <c>CHROMIUM_PATH</c> and <c>CHROMEDRIVER_PATH</c> point elsewhere when needed.</remarks>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Key = "dashboard-test-key-51c2";

    private ServerProcess? _server;

    public string Temp { get; } = Directory.CreateTempSubdirectory("dashboard-tests-").FullName;

    public string Url { get; private set; } = "";

    public HttpClient Http { get; private set; } = null!;

    public ChromeDriver Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Url = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        _server = ServerProcess.Start(
            new Dictionary<string, string> { ["Orchestration__Api__Keys__0"] = Key },
            "serve", "--urls", Url, "--data", Path.Combine(Temp, "data"));
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add("x-functions-key", Key);
        await _server.WaitForHealthAsync(Http);
        Browser = StartBrowser();
    }

    /// <summary>Waits for the batch to end and returns its status document.</summary>
    public Task<JsonElement> WaitForEndAsync(string batchId) => _server!.WaitForBatchEndAsync(Http, batchId);

    private static ChromeDriver StartBrowser()
    {
        var chromium = Found("CHROMIUM_PATH", "/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser");
        var driver = Found("CHROMEDRIVER_PATH", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        Assert.True(chromium is not null && driver is not null,
            "The dashboard tests need Chromium and its driver: apt-get install chromium chromium-driver (.ci/run does), or set CHROMIUM_PATH and CHROMEDRIVER_PATH.");
        var options = new ChromeOptions { BinaryLocation = chromium };
        // Root in a container has no user namespace sandbox; the pages are our own, on loopback.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
            "--no-first-run", "--disable-extensions", "--disable-background-networking", "--disable-sync", "--disable-component-update");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(120));
    }

    private static string? Found(string variable, params string[] candidates) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } set ? set : candidates.FirstOrDefault(File.Exists);

    public Task DisposeAsync()
    {
        Browser?.Quit();
        Browser?.Dispose();
        Http?.Dispose();
        _server?.Dispose();
        try
        {
            Directory.Delete(Temp, recursive: true);
        }
        catch (IOException)
        {
            // A detached execution may still be writing; the temp folder is left behind.
        }

        return Task.CompletedTask;
    }
}
