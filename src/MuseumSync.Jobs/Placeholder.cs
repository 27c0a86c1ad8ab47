namespace MuseumSync.Jobs; internal static class Placeholder { }
