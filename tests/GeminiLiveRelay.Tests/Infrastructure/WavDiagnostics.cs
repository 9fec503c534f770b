using NAudio.Wave;

namespace GeminiLiveRelay.Tests.Infrastructure;

/// <summary>
/// Saves PCM16 mono audio a test produced as a WAV file under the test output folder (audio/…), so a failing
/// resampling or relay test leaves something to listen to and inspect in any audio editor.
/// </summary>
internal static class WavDiagnostics
{
    public static string Save(string name, byte[] pcm16, int sampleRate)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "audio");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".wav");
        using (var writer = new WaveFileWriter(path, new WaveFormat(sampleRate, 16, 1)))
        {
            writer.Write(pcm16, 0, pcm16.Length);
        }

        return path;
    }

    /// <summary>Reads a saved file back: its format and PCM bytes.</summary>
    public static (WaveFormat Format, byte[] Pcm) Load(string path)
    {
        using var reader = new WaveFileReader(path);
        var pcm = new byte[reader.Length];
        reader.ReadExactly(pcm);
        return (reader.WaveFormat, pcm);
    }
}
