using System.Security.Claims;
using System.Text;
using System.Threading.RateLimiting;
using GeminiLiveRelay.Relay;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace GeminiLiveRelay.Access;

internal static class AccessServiceCollectionExtensions
{
    public const string SchemeName = "Relay";
    public const string ConnectRatePolicy = "live-connect";

    /// <summary>Who may connect (auth mode, origins) and how much (session caps, connect rate, budgets).</summary>
    public static IServiceCollection AddRelayAccess(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<AuthOptions>().BindConfiguration(AuthOptions.SectionName);
        services.AddSingleton<AuthOptionsSetup>();
        services.AddSingleton<IPostConfigureOptions<AuthOptions>>(sp => sp.GetRequiredService<AuthOptionsSetup>());
        services.AddSingleton<IValidateOptions<AuthOptions>>(sp => sp.GetRequiredService<AuthOptionsSetup>());
        services.AddSingleton<OriginPolicy>();
        services.AddSingleton<SessionAdmission>();

        // One policy scheme forwards to the handler of the configured mode, so the rest of the pipeline (and the
        // connect rate limiter's per-user partitions) sees an authenticated user whichever mode is on.
        services.AddAuthentication(SchemeName)
            .AddPolicyScheme(SchemeName, "Relay", options => options.ForwardDefaultSelector = context =>
                context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.EffectiveMode == AuthMode.Jwt
                    ? JwtBearerDefaults.AuthenticationScheme
                    : AccessKeyAuthenticationHandler.SchemeName)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, AccessKeyAuthenticationHandler>(AccessKeyAuthenticationHandler.SchemeName, null);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) => ConfigureJwt(jwt, auth.Value.Jwt));
        services.AddAuthorization();

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = static (context, token) =>
                new ValueTask(context.HttpContext.Response.WriteAsync(
                    "Too many new connections; wait a minute (Relay:ConnectsPerMinute).", token));
            limiter.AddPolicy(ConnectRatePolicy, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<RelayOptions>>().Value.ConnectsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(ClientIdentity.Of(context).PartitionKey, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
        });
        return services;
    }

    private static void ConfigureJwt(JwtBearerOptions jwt, JwtSettings settings)
    {
        if (!string.IsNullOrWhiteSpace(settings.Authority))
        {
            jwt.Authority = settings.Authority;
            jwt.RequireHttpsMetadata = settings.Authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        }

        jwt.MapInboundClaims = false; // keep `sub` as `sub`: it is the user id in logs and limits
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = !string.IsNullOrWhiteSpace(settings.Issuer) || !string.IsNullOrWhiteSpace(settings.Authority),
            ValidIssuer = string.IsNullOrWhiteSpace(settings.Issuer) ? null : settings.Issuer,
            ValidateAudience = true,
            ValidAudience = settings.Audience,
            ValidateLifetime = true,
            IssuerSigningKey = string.IsNullOrWhiteSpace(settings.SigningKey)
                ? null
                : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.SigningKey)),
            NameClaimType = "sub",
        };
        jwt.Events = new JwtBearerEvents
        {
            // Browsers cannot set headers on a WebSocket: the token may come as ?access_token=.
            OnMessageReceived = context =>
            {
                context.Token ??= AccessToken.From(context.Request);
                return Task.CompletedTask;
            },
        };
    }
}

/// <summary>Who is asking: the signed-in user (JWT <c>sub</c> or key name), else the client address.</summary>
internal readonly record struct ClientIdentity(string User, string Ip, bool Authenticated)
{
    public string PartitionKey => Authenticated ? "user:" + User : "ip:" + Ip;

    public static ClientIdentity Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var principal = context.User;
        var user = principal.Identity?.IsAuthenticated == true
            ? principal.FindFirst("sub")?.Value ?? principal.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? principal.Identity.Name
            : null;
        return user is null ? new ClientIdentity("ip:" + ip, ip, false) : new ClientIdentity(user, ip, true);
    }
}
