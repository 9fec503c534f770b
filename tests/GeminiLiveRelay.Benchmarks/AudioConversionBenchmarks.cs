using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using GeminiLiveRelay.Audio;

namespace GeminiLiveRelay.Benchmarks;

// One 20 ms browser frame per invocation, as the relay sees it. Converters keep their stream state across
// invocations, so this measures the steady state (history warm, no allocation).
[MemoryDiagnoser]
[Config(typeof(Config))]
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "BenchmarkDotNet only runs public classes.")]
public class AudioConversionBenchmarks
{
    private readonly Frame _pcm16At48k = new(48000, SampleEncoding.Pcm16, 1);
    private readonly Frame _pcm16At44k1 = new(44100, SampleEncoding.Pcm16, 1);
    private readonly Frame _float32StereoAt48k = new(48000, SampleEncoding.Float32, 2);
    private readonly Frame _pcm16At47999 = new(47999, SampleEncoding.Pcm16, 1);
    private readonly Frame _passthrough16k = new(16000, SampleEncoding.Pcm16, 1);
    private readonly PolyphaseResampler _upsampler = new(16000, 24000);
    private readonly float[] _upsamplerInput = Tone(16000, 320);
    private readonly float[] _upsamplerOutput = new float[480];

    [Benchmark(Baseline = true, Description = "Convert 48k pcm16 mono")]
    public int Pcm16Mono48k() => _pcm16At48k.Convert();

    [Benchmark(Description = "Convert 44.1k pcm16 mono")]
    public int Pcm16Mono44k1() => _pcm16At44k1.Convert();

    [Benchmark(Description = "Convert 48k float32 stereo")]
    public int Float32Stereo48k() => _float32StereoAt48k.Convert();

    [Benchmark(Description = "Convert 47999 pcm16 mono (interpolated phases)")]
    public int Pcm16Mono47999() => _pcm16At47999.Convert();

    [Benchmark(Description = "Convert 16k pcm16 mono (passthrough)")]
    public int Passthrough16k() => _passthrough16k.Convert();

    [Benchmark(Description = "Resample 16k -> 24k float mono")]
    public int Upsample16kTo24k() => _upsampler.Process(_upsamplerInput, _upsamplerOutput);

    private static float[] Tone(int rate, int length) =>
        Enumerable.Range(0, length).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * 1000 * i / rate))).ToArray();

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RealtimeFactorColumn());
    }

    // A converter plus one 20 ms frame of a 1 kHz tone in its input format.
    private sealed class Frame
    {
        private readonly InputAudioConverter _converter;
        private readonly byte[] _input;
        private readonly byte[] _output;

        public Frame(int rate, SampleEncoding encoding, int channels)
        {
            _converter = new InputAudioConverter(rate, encoding, channels);
            var samples = Tone(rate, rate / 50);
            _input = new byte[samples.Length * _converter.BytesPerSampleFrame];
            var bytesPerSample = _converter.BytesPerSampleFrame / channels;
            for (var i = 0; i < samples.Length * channels; i++)
            {
                var sample = samples[i / channels];
                if (encoding == SampleEncoding.Pcm16)
                {
                    BinaryPrimitives.WriteInt16LittleEndian(_input.AsSpan(i * bytesPerSample), PcmCodec.ToPcm16(sample));
                }
                else
                {
                    BinaryPrimitives.WriteSingleLittleEndian(_input.AsSpan(i * bytesPerSample), sample);
                }
            }

            _output = new byte[_converter.MaxOutputBytes(_input.Length)];
        }

        public int Convert() => _converter.Convert(_input, _output);
    }
}
