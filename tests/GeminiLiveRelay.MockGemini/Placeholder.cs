namespace GeminiLiveRelay.MockGemini;
internal static class Placeholder;
