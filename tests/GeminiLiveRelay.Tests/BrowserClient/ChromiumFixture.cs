using GeminiLiveRelay.Tests.Audio;
using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.Playwright;

namespace GeminiLiveRelay.Tests.BrowserClient;

/// <summary>
/// One headless Chromium (Debian's, driven by Playwright's bundled driver) for the page tests, with a fake
/// microphone that plays a generated 440 Hz WAV. No browser is a failure, never a skip.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const double ToneHz = 440;

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"No Chromium at {ExecutablePath}. Run ./tests/run-all.sh (it installs Debian's chromium) or set CHROMIUM_PATH.");
        }

        // A steady tone at a speech-like level; Chromium loops the file as the microphone.
        var tone = AudioSignals.Sine(48000, ToneHz, 0.3, 48000 * 4);
        var wav = WavDiagnostics.Save("fake-microphone-440hz", AudioSignals.ToPcm16Bytes(tone), 48000);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                $"--use-file-for-fake-audio-capture={wav}",
                "--autoplay-policy=no-user-gesture-required",
                // Keep Chromium from calling home (the machine has no internet; refused connections are noise).
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                "--no-sandbox",
                "--disable-gpu",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
