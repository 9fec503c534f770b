using System.Threading.RateLimiting;
using GeminiLiveRelay.Access;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.EphemeralTokens;

/// <summary>
/// <c>POST /api/token</c> per user (or per IP when anonymous), with its own refusal sentence: every token is a
/// Gemini session someone may open on the operator's key.
/// </summary>
internal sealed class EphemeralTokenRatePolicy(IOptions<EphemeralTokenOptions> options) : IRateLimiterPolicy<string>
{
    public const string Name = "ephemeral-token";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = static (context, token) =>
    {
        context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return new ValueTask(context.HttpContext.Response.WriteAsync(
            "Too many token requests; wait a minute (Relay:EphemeralTokens:RequestsPerMinute).", token));
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetFixedWindowLimiter(ClientIdentity.Of(httpContext).PartitionKey, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.RequestsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
}
