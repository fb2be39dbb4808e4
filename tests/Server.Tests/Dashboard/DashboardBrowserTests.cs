using System.Text;
using System.Text.Json.Nodes;
using OpenQA.Selenium;
using Orchestration.Tests.Waiting;

namespace Orchestration.Server.Tests.Dashboard;

/// <summary>The web dashboard in a real browser (headless Chromium) against a real <c>serve</c> with an API key:
/// the key prompt, the batch list, the live batch page and its final counts against <c>/results</c>, the run
/// filters, artifact links, hostile output shown as text, cancel, and a phone-width layout.</summary>
/// <remarks>Runs that must still be running while the page is looked at wait for a gate file the test creates,
/// so "the page updated while runs finished" is driven by the test, not by timing.</remarks>
public sealed class DashboardBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private const string Hostile = "<script>window.pwned = 1</script><b id=\"injected\">bold</b><img src=x onerror=\"window.pwned = 2\">";

    private IWebDriver Browser => fixture.Browser;

    [Fact]
    public async Task NoKey_ThePageAsksForOne_AWrongKeyIsRefused_TheRightOneShowsTheBatches()
    {
        // Arrange: a fresh tab state (no key kept).
        var id = await SubmitAsync(new JsonObject { ["labels"] = new JsonObject { ["suite"] = "key" }, ["tasks"] = Tasks(("ok", 1, "true")) });
        Browser.Navigate().GoToUrl(fixture.Url + "/api/ui/");
        ((IJavaScriptExecutor)Browser).ExecuteScript("sessionStorage.clear();");
        Browser.Navigate().Refresh();

        // Act / Assert: no key → the form; nothing of the API is shown.
        await Eventually.HoldsAsync(() => Displayed("key-form"), "the page asks for the key", Limit);
        Assert.Empty(Browser.FindElements(By.Id("batches")));

        Browser.FindElement(By.Id("key-input")).SendKeys("not-the-key");
        Browser.FindElement(By.CssSelector("#key-form button")).Click();
        await Eventually.HoldsAsync(() => Text("key-message").Contains("refused", StringComparison.Ordinal), "a wrong key is refused", Limit);

        Browser.FindElement(By.Id("key-input")).SendKeys(BrowserFixture.Key);
        Browser.FindElement(By.CssSelector("#key-form button")).Click();
        await Eventually.HoldsAsync(() => Browser.FindElements(By.CssSelector($"#batches tr[data-batch-id='{id}']")).Count == 1, "the batch list after the key", Limit);
        Assert.Equal(BrowserFixture.Key, ((IJavaScriptExecutor)Browser).ExecuteScript("return sessionStorage.getItem('orchestration.key');"));
    }

    [Fact]
    public async Task List_SubmittedBatch_ShownWithItsLabelsCountsAndStatusFilter()
    {
        // Arrange
        var id = await SubmitAsync(new JsonObject
        {
            ["labels"] = new JsonObject { ["suite"] = "list", ["model"] = "m-7" },
            ["tasks"] = Tasks(("ok", 3, "true"), ("no", 2, "exit 1")),
        });
        await fixture.WaitForEndAsync(id);

        // Act
        await OpenAsync("/");

        // Assert: the row, its labels and counts (read from the batch's status).
        var row = $"#batches tr[data-batch-id='{id}']";
        await Eventually.HoldsAsync(() => Cell(row, "[data-col=passed]") == "3", "the list shows the batch's passed count", Limit);
        Assert.Equal("2", Cell(row, "[data-col=failed]"));
        var labels = Fresh(() => Browser.FindElements(By.CssSelector(row + " .chip")).Select(c => c.Text).ToList());
        Assert.Contains("suite=list", labels);
        Assert.Contains("model=m-7", labels);
        Assert.Equal("completed", Css(row + " .badge"));

        // The status filter: a completed batch is not among the running ones, and is among the completed.
        SelectValue("status-filter", "running");
        await Eventually.HoldsAsync(() => Browser.Url.EndsWith("?status=running", StringComparison.Ordinal)
            && Browser.FindElements(By.CssSelector(row)).Count == 0 && Browser.FindElements(By.CssSelector("#batches")).Count == 1, "the running filter hides it", Limit);
        SelectValue("status-filter", "completed");
        await Eventually.HoldsAsync(() => Browser.FindElements(By.CssSelector(row)).Count == 1, "the completed filter shows it", Limit);
    }

    [Fact]
    public async Task BatchPage_UpdatesLiveWhileRunsFinish_FinalCountsEqualResults_FiltersLinksAndHostileOutput()
    {
        // Arrange: three quick runs, and three that wait for the gate (two pass, one prints hostile text and fails).
        var gate = Path.Combine(fixture.Temp, "gate-" + Guid.NewGuid().ToString("N"));
        var wait = $"while [ ! -e '{gate}' ]; do sleep 0.05; done";
        var id = await SubmitAsync(new JsonObject
        {
            ["maxParallelRuns"] = 6,
            ["tasks"] = Tasks(
                ("quick", 3, "echo quick-output; echo quick-error >&2"),
                ("slow", 2, $"{wait}; echo slow-output"),
                ("hostile", 1, $"{wait}; printf '%s\\n' '{Hostile}'; exit 4")),
        });
        await OpenAsync("/batches/" + id);

        // Act 1: the quick runs are judged while the gated ones still run; the page shows them without a reload.
        // Rows come with each judged run; the counts with the next progress event (at most one a second).
        await Eventually.HoldsAsync(() => RunKeys().Count == 3 && Cell("#tasks tr[data-task='quick']", "[data-col=passed]") == "3",
            "the quick runs and their counts appear while the batch runs", Limit);
        Assert.Equal("running", Text("batch-status"));
        Assert.All(RunKeys(), k => Assert.StartsWith("quick/", k, StringComparison.Ordinal));
        Assert.Equal("0", Cell("#tasks tr[data-task='slow']", "[data-col=passed]"));
        Assert.Contains("3 of 6 runs judged", Text("overall-text"), StringComparison.Ordinal);
        Assert.True(Displayed("cancel"));

        // Act 2: open the gate; the page follows the batch to its end.
        await File.WriteAllTextAsync(gate, "open");
        await Eventually.HoldsAsync(() => Text("batch-status") == "completed" && Browser.FindElements(By.Id("total-row")).Count == 1,
            "the page shows the completed batch with its totals", Limit);

        // Assert: every count on the page equals the aggregate.
        var results = JsonNode.Parse(await fixture.Http.GetStringAsync($"/api/batches/{id}/results"))!;
        foreach (var task in results["tasks"]!.AsArray())
        {
            var row = $"#tasks tr[data-task='{task!["id"]}']";
            foreach (var outcome in new[] { "passed", "failed", "errored", "timedOut", "cancelled" })
            {
                Assert.Equal(task[outcome]!.ToString(), Cell(row, $"[data-col={outcome}]"));
            }
        }

        var total = results["total"]!;
        Assert.Equal(total["passed"]!.ToString(), Cell("#total-row", "[data-col=passed]"));
        Assert.Equal(total["failed"]!.ToString(), Cell("#total-row", "[data-col=failed]"));
        var rate = total["passRate"]!;
        Assert.Equal($"{Percent(rate["rate"]!)} [{Percent(rate["lower"]!)}, {Percent(rate["upper"]!)}] of {rate["total"]}",
            Css("[data-testid=pass-rate-total] .text"));
        Assert.Equal(6, RunKeys().Count);
        Assert.False(Displayed("cancel"));
        SaveScreenshot("batch-page.png");

        // Filters: by outcome, then by task.
        SelectValue("outcome-filter", "failed");
        await Eventually.HoldsAsync(() => RunKeys().Count == 1, "the failed filter leaves the one failed run", Limit);
        Assert.Equal("hostile/0", RunKeys()[0]);
        SelectValue("outcome-filter", "");
        SelectValue("task-filter", "slow");
        await Eventually.HoldsAsync(() => RunKeys().Count == 2 && RunKeys().All(k => k.StartsWith("slow/", StringComparison.Ordinal)),
            "the task filter leaves the slow runs", Limit);
        SelectValue("task-filter", "");
        await Eventually.HoldsAsync(() => RunKeys().Count == 6, "no filter shows every run", Limit);

        // A link to stdout opens that run's stdout, the same text the API gives.
        var expected = await fixture.Http.GetStringAsync($"/api/batches/{id}/runs/quick/1/artifacts/stdout");
        Assert.Equal("quick-output\n", expected);
        await OpenArtifactAsync("quick/1", "stdout");
        Assert.Equal("quick-output", Text("artifact-text"));
        Browser.FindElement(By.Id("artifact-close")).Click();
        await OpenArtifactAsync("quick/2", "stderr");
        Assert.Equal("quick-error", Text("artifact-text"));
        Browser.FindElement(By.Id("artifact-close")).Click();

        // Hostile output is text: the markup shows as characters, nothing of it runs or becomes an element.
        await OpenArtifactAsync("hostile/0", "stdout");
        Assert.Equal(Hostile, Text("artifact-text"));
        Assert.Empty(Browser.FindElements(By.Id("injected")));
        Assert.Empty(Browser.FindElements(By.CssSelector("#artifact-text *")));
        Assert.Null(((IJavaScriptExecutor)Browser).ExecuteScript("return window.pwned ?? null;"));
    }

    [Fact]
    public async Task RejudgedBatch_ShowsTheLatestVersionAndItsSummary_Version1OnRequest()
    {
        // Arrange: three runs that exit 1 (failed); then a rejudge that passes exit 1 and adds a flag rule.
        var id = await SubmitAsync(new JsonObject { ["tasks"] = Tasks(("t", 3, "echo done; exit 1")) });
        await fixture.WaitForEndAsync(id);
        using var rejudge = await fixture.Http.PostAsync($"/api/batches/{id}/rejudge", new StringContent(
            """{"tasks": [{"id": "t", "pass": {"exitCodes": [1]}, "flags": {"quiet": {"regex": "^nothing"}}}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, rejudge.StatusCode);
        await Eventually.HoldsAsync(async () =>
            (await fixture.Http.GetAsync($"/api/batches/{id}/results?version=2")).StatusCode == System.Net.HttpStatusCode.OK, "version 2 is written", Limit);

        // Act
        await OpenAsync("/batches/" + id);
        await Eventually.HoldsAsync(() => Displayed("results-version"), "the page offers the results versions", Limit);

        // Assert: the latest version's counts and its summary; version 1 (as run) on request.
        Assert.Equal("2", Fresh(() => Browser.FindElement(By.Id("results-version")).GetAttribute("value")));
        Assert.Equal("3", Cell("#tasks tr[data-task='t']", "[data-col=passed]"));
        Assert.Contains("3 run(s) judged again by new rules, 3 changed", Text("rejudge-summary"), StringComparison.Ordinal);
        Assert.Contains("quiet: 0", Css("#tasks tr[data-task='t']"), StringComparison.Ordinal);
        SelectValue("results-version", "1");
        await Eventually.HoldsAsync(() => Cell("#tasks tr[data-task='t']", "[data-col=failed]") == "3", "version 1 shows the runs failed as first judged", Limit);
        Assert.Equal("0", Cell("#tasks tr[data-task='t']", "[data-col=passed]"));
        Assert.DoesNotContain("quiet", Css("#tasks tr[data-task='t']"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelButton_RunningBatch_EndsCancelled()
    {
        // Arrange: runs that never finish on their own.
        var gate = Path.Combine(fixture.Temp, "never-" + Guid.NewGuid().ToString("N"));
        var id = await SubmitAsync(new JsonObject { ["tasks"] = Tasks(("waits", 2, $"while [ ! -e '{gate}' ]; do sleep 0.05; done")) });
        await OpenAsync("/batches/" + id);
        await Eventually.HoldsAsync(() => Displayed("cancel") && Text("batch-status") == "running", "a running batch offers cancel", Limit);

        // Act
        Browser.FindElement(By.Id("cancel")).Click();
        Browser.SwitchTo().Alert().Accept();

        // Assert
        await Eventually.HoldsAsync(() => Text("batch-status") == "cancelled", "the page shows the batch cancelled", Limit);
        var status = await fixture.WaitForEndAsync(id);
        Assert.Equal("cancelled", status.GetProperty("status").GetString());
        Assert.False(Displayed("cancel"));
    }

    [Fact]
    public async Task RerunButton_TimedOutRuns_RunAgainAndThePageShowsTheNewVersion()
    {
        // Arrange: until "heal" exists the command outlives its 1-second limit, so both runs time out.
        var heal = Path.Combine(fixture.Temp, "heal-" + Guid.NewGuid().ToString("N"));
        var id = await SubmitAsync(new JsonObject
        {
            ["tasks"] = new JsonArray(new JsonObject
            {
                ["id"] = "slow",
                ["n"] = 2,
                ["command"] = $"[ -e '{heal}' ] || sleep 20; echo ok",
                ["timeoutSeconds"] = 1,
                ["maxAttempts"] = 1,
            }),
        });
        await fixture.WaitForEndAsync(id);
        await File.WriteAllTextAsync(heal, "");
        await OpenAsync("/batches/" + id);
        await Eventually.HoldsAsync(() => Displayed("rerun"), "a finished batch with timed-out runs offers a rerun", Limit);
        Assert.Equal("Rerun errored and timed out (2)", Text("rerun"));

        // Act
        Browser.FindElement(By.Id("rerun")).Click();
        Browser.SwitchTo().Alert().Accept();

        // Assert: the page follows the rerun to its new version, where both runs passed.
        await Eventually.HoldsAsync(() => Text("rerun-summary").Contains("2 errored/timedOut run(s) run again", StringComparison.Ordinal), "the page shows the rerun's version", Limit);
        await Eventually.HoldsAsync(() => Text("batch-status") == "completed" && Cell("#tasks tr[data-task='slow']", "[data-col=passed]") == "2", "both runs passed", Limit);
        Assert.Equal("0", Cell("#tasks tr[data-task='slow']", "[data-col=timedOut]"));
        Assert.Equal("2", Fresh(() => Browser.FindElement(By.Id("results-version")).GetAttribute("value")));
        Assert.False(Displayed("rerun"));
    }

    [Fact]
    public async Task PhoneWidth_BatchPage_NoSidewaysScrollingOfThePage()
    {
        // Arrange
        var id = await SubmitAsync(new JsonObject { ["tasks"] = Tasks(("a-task-with-a-long-name", 2, "true"), ("other", 1, "exit 2")) });
        await fixture.WaitForEndAsync(id);
        var size = Browser.Manage().Window.Size;
        try
        {
            // Act
            Browser.Manage().Window.Size = new System.Drawing.Size(390, 844);
            await OpenAsync("/batches/" + id);
            await Eventually.HoldsAsync(() => Browser.FindElements(By.Id("total-row")).Count == 1, "the batch page ends with its totals", Limit);

            // Assert: wide tables scroll inside their own boxes; the page itself fits the screen.
            var overflow = Convert.ToInt64(((IJavaScriptExecutor)Browser).ExecuteScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(overflow <= 0, $"The page is {overflow} px wider than a phone screen.");
            SaveScreenshot("batch-page-phone.png");
        }
        finally
        {
            Browser.Manage().Window.Size = size;
        }
    }

    [Fact]
    public async Task Compare_TwoFinishedBatches_FormLeadsToTheTableWithIntervalsAndVerdicts()
    {
        // Arrange: A's "fix" fails every run, B's passes every run; "same" passes in both.
        var a = await SubmitAsync(new JsonObject { ["tasks"] = Tasks(("fix", 6, "exit 1"), ("same", 2, "true")) });
        var b = await SubmitAsync(new JsonObject { ["tasks"] = Tasks(("fix", 6, "true"), ("same", 2, "true"), ("extra", 1, "true")) });
        await fixture.WaitForEndAsync(a);
        await fixture.WaitForEndAsync(b);

        // Act: the form, as a person fills it.
        await OpenAsync("/compare");
        Browser.FindElement(By.Id("compare-a")).SendKeys(a);
        Browser.FindElement(By.Id("compare-b")).SendKeys(b);
        Browser.FindElement(By.CssSelector("#compare-form button")).Click();

        // Assert: the route carries both ids; per task the two Wilson intervals, B - A with its Newcombe interval, the verdict.
        await Eventually.HoldsAsync(() => Browser.FindElements(By.Id("comparison")).Count == 1, "the comparison table", Limit);
        Assert.Contains($"#/compare?a={a}&b={b}", Browser.Url, StringComparison.Ordinal);
        Assert.Equal("0.0% [0.0%, 39.0%] of 6", Css("[data-testid='compare-fix-a'] .text"));
        Assert.Equal("100.0% [61.0%, 100.0%] of 6", Css("[data-testid='compare-fix-b'] .text"));
        Assert.Equal("+100.0 pts [+44.8, +100.0]", Css("[data-testid='compare-fix-diff'] .text"));
        Assert.Single(Browser.FindElements(By.CssSelector("[data-testid='compare-fix-diff'] .interval .band")));
        Assert.Equal("B higher", Css("[data-testid='compare-fix-verdict']"));
        Assert.Equal("no detectable difference at n=2/2", Css("[data-testid='compare-same-verdict']"));
        Assert.Contains("extra", Text("comparison-result"), StringComparison.Ordinal);
        Assert.Contains("Holm-adjusted", Text("compare-rule"), StringComparison.Ordinal);
        SaveScreenshot("compare.png");

        // An unknown batch: the problem's detail, not a table.
        await OpenAsync($"/compare?a={a}&b=nope");
        await Eventually.HoldsAsync(() => Cell("main#view", "[data-testid='error']").Contains("No batch 'nope'.", StringComparison.Ordinal), "the 404 is shown", Limit);
        Assert.Empty(Browser.FindElements(By.Id("comparison")));
    }

    private static JsonArray Tasks(params (string Id, int N, string Command)[] tasks) =>
        [.. tasks.Select(t => (JsonNode)new JsonObject { ["id"] = t.Id, ["n"] = t.N, ["command"] = t.Command, ["timeoutSeconds"] = 120, ["maxAttempts"] = 1 })];

    private async Task<string> SubmitAsync(JsonObject document)
    {
        using var response = await fixture.Http.PostAsync("/api/batches", new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    // Loads the page with the key in the tab's sessionStorage, as after the key form, at the given route.
    private async Task OpenAsync(string route)
    {
        Browser.Navigate().GoToUrl(fixture.Url + "/api/ui/#" + route);
        ((IJavaScriptExecutor)Browser).ExecuteScript("sessionStorage.setItem('orchestration.key', arguments[0]);", BrowserFixture.Key);
        Browser.Navigate().Refresh();
        await Eventually.HoldsAsync(() => Browser.FindElements(By.Id("key-form")).Count == 0 && Browser.FindElements(By.CssSelector("main#view section")).Count > 0,
            "the page opens with the key", Limit);
    }

    private async Task OpenArtifactAsync(string run, string name)
    {
        Fresh(() =>
        {
            Browser.FindElement(By.CssSelector($"#runs tr[data-run='{run}'] button[data-artifact='{name}']:not([data-attempt])")).Click();
            return true;
        });
        await Eventually.HoldsAsync(() => Displayed("artifact-viewer") && Text("artifact-text") != "Loading…", $"the {name} of {run} is shown", Limit);
        Assert.Contains(run.Replace("/", " #", StringComparison.Ordinal), Text("artifact-title"), StringComparison.Ordinal);
    }

    // The run rows' keys (task/index), read in the page in one step: the live page re-renders its tables.
    private List<string> RunKeys() =>
        [.. ((IReadOnlyCollection<object>)((IJavaScriptExecutor)Browser).ExecuteScript(
            "return [...document.querySelectorAll('#runs tbody tr')].map(r => r.dataset.run);")!).Select(k => (string)k)];

    // A read of elements the page may replace meanwhile (the live page re-renders on each event): found again.
    private static T Fresh<T>(Func<T> read)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return read();
            }
            catch (StaleElementReferenceException) when (attempt < 20)
            {
                // Replaced between the lookup and the read: look it up again.
            }
        }
    }

    private string Css(string selector) => Fresh(() => Browser.FindElement(By.CssSelector(selector)).Text);

    private string Text(string id) => Fresh(() => Browser.FindElements(By.Id(id)) is [var element, ..] ? element.Text : "");

    private bool Displayed(string id) => Fresh(() => Browser.FindElements(By.Id(id)) is [var element, ..] && element.Displayed);

    private string Cell(string row, string cell) => Fresh(() => Browser.FindElements(By.CssSelector(row + " " + cell)) is [var element, ..] ? element.Text : "");

    private void SelectValue(string id, string value) =>
        ((IJavaScriptExecutor)Browser).ExecuteScript(
            "const s = document.getElementById(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change'));", id, value);

    private static string Percent(JsonNode value) => (value.GetValue<double>() * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%";

    // Under TestResults/dashboard/ at the repository root (where .ci/run collects results).
    private void SaveScreenshot(string name)
    {
        var folder = Path.Combine(ServerProcess.RepositoryRoot, "TestResults", "dashboard");
        Directory.CreateDirectory(folder);
        ((ITakesScreenshot)Browser).GetScreenshot().SaveAsFile(Path.Combine(folder, name));
    }
}
