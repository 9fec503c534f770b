using System.Text.Json;
using Microsoft.Playwright;

namespace GeminiLiveRelay.Tests.BrowserClient;

/// <summary>One page of the bundled client in its own browser context, with its console errors collected.</summary>
internal sealed class PageSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _consoleErrors = [];

    private PageSession(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_consoleErrors)
                {
                    _consoleErrors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_consoleErrors)
            {
                _consoleErrors.Add("page error: " + error);
            }
        };
    }

    public IPage Page { get; }

    public IReadOnlyList<string> ConsoleErrors
    {
        get
        {
            lock (_consoleErrors)
            {
                return [.. _consoleErrors];
            }
        }
    }

    /// <param name="initScript">Test instrumentation run in the page before any of its own scripts.</param>
    public static async Task<PageSession> OpenAsync(IBrowser browser, Uri url, string? initScript = null)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Permissions = ["microphone", "camera"] });
        context.SetDefaultTimeout(20_000);
        if (initScript is not null)
        {
            await context.AddInitScriptAsync(initScript);
        }

        var page = await context.NewPageAsync();
        var session = new PageSession(context, page);
        await page.GotoAsync(url.ToString());
        return session;
    }

    public ILocator ByTestId(string id) => Page.GetByTestId(id);

    /// <summary>A snapshot of <c>window.liveRelayStats</c>.</summary>
    public async Task<JsonElement> StatsAsync() => await Page.EvaluateAsync<JsonElement>("() => window.liveRelayStats");

    public async Task<double> StatAsync(string name) => (await StatsAsync()).GetProperty(name).GetDouble();

    /// <summary>Waits until a JavaScript condition over <c>s = window.liveRelayStats</c> holds.</summary>
    public Task WaitForStatsAsync(string condition) =>
        Page.WaitForFunctionAsync($"() => {{ const s = window.liveRelayStats; return {condition}; }}", null,
            new PageWaitForFunctionOptions { PollingInterval = 10 });

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
