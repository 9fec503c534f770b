namespace GeminiLiveRelay.Audio;

// The two sample formats browsers can produce cheaply: Int16 from an AudioWorklet that converts itself,
// Float32 straight from the Web Audio graph. Both are little-endian on the wire.
internal enum SampleEncoding
{
    Pcm16,
    Float32,
}
