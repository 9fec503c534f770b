using System.ComponentModel.DataAnnotations;

namespace GeminiLiveRelay.Relay;

/// <summary>Settings of the browser side of the relay (configuration section <c>Relay</c>).</summary>
internal sealed class RelayOptions
{
    public const string SectionName = "Relay";

    /// <summary>Largest browser message accepted; a bigger one closes the session with 1009.</summary>
    [Range(1024, 16 * 1024 * 1024, ErrorMessage = "Relay:MaxMessageBytes must be between 1024 and 16777216.")]
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>How long either side gets to finish its close handshake before the socket is aborted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "Relay:CloseTimeout must be between 100 ms and 1 minute.")]
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest camera/screen frame (decoded bytes); bigger frames get a <c>bad_message</c> error.</summary>
    [Range(1024, 16 * 1024 * 1024, ErrorMessage = "Relay:MaxImageBytes must be between 1024 and 16777216.")]
    public int MaxImageBytes { get; set; } = 512 * 1024;

    /// <summary>Camera/screen frames per second a browser may send; extra frames are dropped (one <c>warning</c> event).</summary>
    [Range(0.01, 30.0, ErrorMessage = "Relay:MaxImagesPerSecond must be between 0.01 and 30.")]
    public double MaxImagesPerSecond { get; set; } = 1.0;

    /// <summary>Lets a browser replace the system instruction with <c>?systemInstruction=</c> (off: the operator decides).</summary>
    public bool AllowClientSystemInstruction { get; set; }

    /// <summary>Largest text frame: big enough for an image of <see cref="MaxImageBytes"/> in base64 JSON.</summary>
    public int MaxTextMessageBytes => Math.Max(MaxMessageBytes, (MaxImageBytes / 3 * 4) + 1024);

    /// <summary>Reconnects to Gemini after a transient failure before giving up (0 turns reconnecting off).</summary>
    [Range(0, 20, ErrorMessage = "Relay:ReconnectAttempts must be between 0 and 20.")]
    public int ReconnectAttempts { get; set; } = 5;

    /// <summary>First back-off delay; it doubles per attempt (with jitter) up to <see cref="ReconnectMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Relay:ReconnectInitialDelay must be between 0 and 1 minute.")]
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "Relay:ReconnectMaxDelay must be between 0 and 5 minutes.")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>After a goAway, switch connections at a quiet point no later than timeLeft minus this margin.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "Relay:GoAwayMargin must be between 0 and 5 minutes.")]
    public TimeSpan GoAwayMargin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a browser's resume token stays valid (Gemini keeps handles for about 2 hours).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Relay:ResumeTokenLifetime must be between 1 second and 1 day.")]
    public TimeSpan ResumeTokenLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// Where the Data Protection keys that sign resume tokens live. Share it between replicas (a volume) so any
    /// instance can resume any conversation; empty uses ASP.NET Core's default key location.
    /// </summary>
    public string? DataProtectionKeysPath { get; set; }

    /// <summary>
    /// Pages allowed to open <c>/live</c> (exact origins such as <c>https://app.example.com</c>; <c>*</c> allows any).
    /// Empty: the relay's own origin only. Requests without an Origin header (non-browser clients) are not
    /// subject to cross-site WebSocket hijacking and are left to authentication.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    [Range(1, 100_000, ErrorMessage = "Relay:MaxSessions must be between 1 and 100000.")]
    public int MaxSessions { get; set; } = 200;

    [Range(1, 10_000, ErrorMessage = "Relay:MaxSessionsPerUser must be between 1 and 10000.")]
    public int MaxSessionsPerUser { get; set; } = 3;

    [Range(1, 10_000, ErrorMessage = "Relay:MaxSessionsPerIp must be between 1 and 10000.")]
    public int MaxSessionsPerIp { get; set; } = 10;

    /// <summary>New /live connections per minute per user (or per IP when anonymous).</summary>
    [Range(1, 100_000, ErrorMessage = "Relay:ConnectsPerMinute must be between 1 and 100000.")]
    public int ConnectsPerMinute { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Relay:MaxSessionDuration must be between 1 second and 7 days.")]
    public TimeSpan MaxSessionDuration { get; set; } = TimeSpan.FromHours(2);

    /// <summary>No audio or text from the browser for this long ends the session (after a warning).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Relay:IdleTimeout must be between 1 second and 1 day.")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Session minutes per user per UTC day, counted in memory per instance (0 = unlimited).</summary>
    [Range(0, 1440 * 31, ErrorMessage = "Relay:DailyMinutesPerUser must be between 0 (unlimited) and 44640.")]
    public int DailyMinutesPerUser { get; set; } = 240;

    /// <summary>How much faster than real time a browser may send audio, sustained (bursts up to <see cref="MaxAudioBurst"/> pass).</summary>
    [Range(1.0, 100.0, ErrorMessage = "Relay:MaxAudioRealtimeFactor must be between 1 and 100.")]
    public double MaxAudioRealtimeFactor { get; set; } = 1.5;

    /// <summary>
    /// Audio a browser may send at once above <see cref="MaxAudioRealtimeFactor"/>: a phone whose network stalls for
    /// a few seconds sends what it recorded meanwhile in one go when the link comes back, and that is not abuse.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Relay:MaxAudioBurst must be between 1 second and 5 minutes.")]
    public TimeSpan MaxAudioBurst { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Model audio waiting for a browser that does not read; beyond it the session closes with 1008.</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:01:00", ErrorMessage = "Relay:MaxBrowserBacklog must be between 200 ms and 1 minute.")]
    public TimeSpan MaxBrowserBacklog { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>On shutdown, sessions get this long to finish the model's sentence before closing with 1001.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Relay:ShutdownDrainPeriod must be between 0 and 10 minutes.")]
    public TimeSpan ShutdownDrainPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>WebSocket ping interval towards the browser (keeps proxies from reaping a quiet socket).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Relay:KeepAliveInterval must be between 0 (off) and 10 minutes.")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);
}
