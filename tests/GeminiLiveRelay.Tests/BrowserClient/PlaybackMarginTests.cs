namespace GeminiLiveRelay.Tests.BrowserClient;

public sealed class PlaybackMarginTests
{
    [Fact]
    public void AllAtOnce_TheMarginIsTheWholeReplyLessThePreroll()
    {
        // 25 × 40 ms at t = 0..24 ms: playback starts with the 2nd, the last arrives with ~1 s queued.
        var handOffs = Enumerable.Range(0, 25).Select(i => new double[] { i, 960 }).Append([30, -1]).ToArray();

        var margin = PlaybackMargin.LeanestMs(handOffs, prerollMs: 80, rate: 24000);

        Assert.Equal(80 - 1, margin, 6); // the 3rd hand-off: 80 ms queued, 1 ms played
    }

    [Fact]
    public void AStallLongerThanWhatIsQueued_GivesANegativeMargin()
    {
        double[][] handOffs = [[0, 960], [10, 960], [20, 960], [200, 960], [201, -1]];

        var margin = PlaybackMargin.LeanestMs(handOffs, prerollMs: 80, rate: 24000);

        Assert.Equal(120 - 190, margin, 6); // 120 ms queued by t = 20, started at t = 10, next at t = 200
    }

    [Fact]
    public void EndBeforeThePrerollFilled_NothingWaits()
    {
        double[][] handOffs = [[0, 960], [500, -1]];

        Assert.Equal(double.PositiveInfinity, PlaybackMargin.LeanestMs(handOffs, prerollMs: 80, rate: 24000));
    }

    [Fact]
    public void TheEndArrivingLate_CountsAsAStall()
    {
        double[][] handOffs = [[0, 960], [1, 960], [150, -1]];

        Assert.Equal(80 - 149, PlaybackMargin.LeanestMs(handOffs, prerollMs: 80, rate: 24000), 6);
    }
}
