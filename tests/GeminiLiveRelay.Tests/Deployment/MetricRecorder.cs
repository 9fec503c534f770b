using System.Diagnostics.Metrics;
using GeminiLiveRelay.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace GeminiLiveRelay.Tests.Deployment;

/// <summary>
/// A <see cref="RelayMetrics"/> on its own meter factory (or a running relay's), and every measurement it makes. The
/// listener follows only that factory's meters: other tests' hosts, running in parallel, create meters of the same name.
/// </summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly ServiceProvider? _services;
    private readonly MeterListener _listener = new();
    private readonly List<(string Name, double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public MetricRecorder()
        : this(null)
    {
    }

    /// <param name="relayServices">A running relay's services; null for a <see cref="RelayMetrics"/> of the recorder's own.</param>
    public MetricRecorder(IServiceProvider? relayServices)
    {
        if (relayServices is null)
        {
            _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
            relayServices = _services;
        }

        var factory = relayServices.GetRequiredService<IMeterFactory>();
        Metrics = _services is null ? relayServices.GetRequiredService<RelayMetrics>() : new RelayMetrics(factory);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == factory)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    public RelayMetrics Metrics { get; }

    /// <summary>Measurements of one instrument (observable ones are read now).</summary>
    public IReadOnlyList<(double Value, Dictionary<string, object?> Tags)> Of(string name)
    {
        _listener.RecordObservableInstruments();
        lock (_measurements)
        {
            return [.. _measurements.Where(m => m.Name == name).Select(m => (m.Value, m.Tags))];
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services?.Dispose();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, tag) in tags)
        {
            copy[key] = tag;
        }

        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, copy));
        }
    }
}
