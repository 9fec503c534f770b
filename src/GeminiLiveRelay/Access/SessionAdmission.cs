using GeminiLiveRelay.Relay;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Access;

/// <summary>
/// Decides, before anything is opened upstream, whether a new session may start: the global, per-user and per-IP
/// concurrency caps and the per-user daily session-minutes budget. All counts are in memory, per instance.
/// </summary>
internal sealed class SessionAdmission(IOptions<RelayOptions> options, TimeProvider time)
{
    private readonly RelayOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _byUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byIp = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _minutesToday = new(StringComparer.Ordinal);
    private DateOnly _day;
    private int _active;

    public int Active => Volatile.Read(ref _active);

    /// <summary>A refusal sentence, or null with a lease that must be disposed when the session ends.</summary>
    public string? TryAdmit(string user, string ip, out Lease? lease)
    {
        lease = null;
        lock (_gate)
        {
            ResetDayIfNeeded();
            if (_active >= _options.MaxSessions)
            {
                return $"The relay is at its limit of {_options.MaxSessions} concurrent sessions (Relay:MaxSessions). Try again later.";
            }

            if (_byUser.GetValueOrDefault(user) >= _options.MaxSessionsPerUser)
            {
                return $"You already have {_options.MaxSessionsPerUser} sessions open (Relay:MaxSessionsPerUser).";
            }

            if (_byIp.GetValueOrDefault(ip) >= _options.MaxSessionsPerIp)
            {
                return $"Too many sessions from your address (Relay:MaxSessionsPerIp = {_options.MaxSessionsPerIp}).";
            }

            var remaining = RemainingMinutes(user);
            if (remaining <= 0)
            {
                return $"Today's budget of {_options.DailyMinutesPerUser} session minutes is used up (Relay:DailyMinutesPerUser).";
            }

            _active++;
            _byUser[user] = _byUser.GetValueOrDefault(user) + 1;
            _byIp[ip] = _byIp.GetValueOrDefault(ip) + 1;
            lease = new Lease(this, user, ip, time.GetUtcNow());
            return null;
        }
    }

    private double RemainingMinutes(string user) =>
        _options.DailyMinutesPerUser == 0 ? double.PositiveInfinity : _options.DailyMinutesPerUser - _minutesToday.GetValueOrDefault(user);

    private void Release(Lease lease)
    {
        lock (_gate)
        {
            ChargeLocked(lease);
            _active--;
            Decrement(_byUser, lease.User);
            Decrement(_byIp, lease.Ip);
        }
    }

    /// <summary>
    /// Books the time a session used since its last charge against its user's day (all of the user's sessions
    /// draw on the same budget as they run) and returns what is left (infinite when unlimited).
    /// </summary>
    private double Charge(Lease lease)
    {
        lock (_gate)
        {
            ChargeLocked(lease);
            return RemainingMinutes(lease.User);
        }
    }

    private void ChargeLocked(Lease lease)
    {
        ResetDayIfNeeded();
        var now = time.GetUtcNow();
        var minutes = (now - lease.LastCharged).TotalMinutes;
        lease.LastCharged = now;
        if (_options.DailyMinutesPerUser != 0 && minutes > 0)
        {
            _minutesToday[lease.User] = _minutesToday.GetValueOrDefault(lease.User) + minutes;
        }
    }

    private void ResetDayIfNeeded()
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (today != _day)
        {
            _day = today;
            _minutesToday.Clear();
        }
    }

    private static void Decrement(Dictionary<string, int> counts, string key)
    {
        if (counts.TryGetValue(key, out var count) && count > 1)
        {
            counts[key] = count - 1;
        }
        else
        {
            counts.Remove(key);
        }
    }

    /// <summary>One admitted session; disposing it gives its place back and books its minutes.</summary>
    internal sealed class Lease(SessionAdmission owner, string user, string ip, DateTimeOffset started) : IDisposable
    {
        private int _released;

        public string User => user;

        public string Ip => ip;


        internal DateTimeOffset LastCharged { get; set; } = started;

        /// <summary>Books the time used so far and returns the user's remaining minutes today (all their sessions).</summary>
        public double ChargeAndGetRemainingMinutes() => owner.Charge(this);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(this);
            }
        }
    }
}
