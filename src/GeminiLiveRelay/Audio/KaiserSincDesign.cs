namespace GeminiLiveRelay.Audio;

// Windowed-sinc lowpass design for the polyphase resampler. Kept apart from the streaming code because it
// runs once per stream and is pure maths: double precision throughout, rounded to float only at the end.
internal static class KaiserSincDesign
{
    // Design target for the Kaiser formulas. The acceptance floor is 75 dB of alias rejection at the
    // stopband edge; the extra margin covers float32 coefficients and the per-phase DC normalisation.
    public const double StopbandAttenuationDb = 85.0;

    // Kaiser's empirical beta for the given stopband attenuation (valid above 50 dB).
    public static double Beta(double attenuationDb) => 0.1102 * (attenuationDb - 8.7);

    // Kaiser's length estimate N - 1 = (A - 7.95) / (2.285 * dw), with the transition width expressed in
    // cycles per input sample. Evaluated at the input rate it is the taps-per-phase count of the polyphase
    // filter, which is what the per-output cost and the latency depend on.
    public static int TapsPerPhase(double transitionCyclesPerInputSample, double attenuationDb)
    {
        var taps = (attenuationDb - 7.95) / (2.285 * 2 * Math.PI * transitionCyclesPerInputSample);
        return (int)Math.Ceiling(taps) + 1;
    }

    // Zeroth-order modified Bessel function of the first kind; the series converges fast for the betas used.
    public static double BesselI0(double x)
    {
        var sum = 1.0;
        var term = 1.0;
        var halfX = x / 2;
        for (var k = 1; k < 64; k++)
        {
            term *= halfX / k;
            var squared = term * term;
            sum += squared;
            if (squared < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }

    // Builds rowCount rows of `paddedTaps` coefficients. Row r holds the kernel at fractional offset
    // r / resolution, i.e. h(k + r / resolution) for tap k, stored oldest-sample-first (k descending) so the
    // resampler can dot it straight against its history window. Each row is normalised to a DC gain of
    // exactly 1: otherwise the tiny per-phase gain differences would show up as a periodic modulation
    // (an image of DC) in the output.
    public static float[] BuildTable(
        int paddedTaps,
        int rowCount,
        int resolution,
        double cutoffCyclesPerInputSample,
        double centre,
        double beta)
    {
        var table = new float[paddedTaps * rowCount];
        var row = new double[paddedTaps];
        var windowNorm = 1.0 / BesselI0(beta);
        for (var r = 0; r < rowCount; r++)
        {
            var fraction = (double)r / resolution;
            var sum = 0.0;
            for (var j = 0; j < paddedTaps; j++)
            {
                var k = paddedTaps - 1 - j;
                var value = Kernel(k + fraction, cutoffCyclesPerInputSample, centre, beta, windowNorm);
                row[j] = value;
                sum += value;
            }

            var offset = r * paddedTaps;
            for (var j = 0; j < paddedTaps; j++)
            {
                table[offset + j] = (float)(row[j] / sum);
            }
        }

        return table;
    }

    private static double Kernel(double tau, double cutoff, double centre, double beta, double windowNorm)
    {
        var x = tau - centre;
        var r = x / centre;
        if (r is < -1.0 or > 1.0)
        {
            return 0;
        }

        var window = BesselI0(beta * Math.Sqrt(1 - (r * r))) * windowNorm;
        var u = 2 * cutoff * x;
        var sinc = Math.Abs(u) < 1e-12 ? 1.0 : Math.Sin(Math.PI * u) / (Math.PI * u);
        return 2 * cutoff * sinc * window;
    }
}
