using System.Globalization;

namespace MuseumSync.Paging;

/// <summary>
/// The position of an ID fan-out chunk: the id-list page's own position, plus how many of its ids come before the
/// chunk. An id list that ignores the page size (The Met answers all its ids at once) is still checkpointed every
/// <c>PageSize</c> ids. Written <c>LIST</c> when the chunk starts the list page, else <c>LIST#skip=N</c>.
/// </summary>
internal static class FanOutPosition
{
    private const string Marker = "#skip=";

    public static string? Format(string? listPosition, int skip) =>
        skip <= 0 ? listPosition : (listPosition ?? string.Empty) + Marker + skip.ToString(CultureInfo.InvariantCulture);

    public static (string? ListPosition, int Skip) Parse(string? position)
    {
        if (position is null) return (null, 0);
        var i = position.LastIndexOf(Marker, StringComparison.Ordinal);
        if (i < 0 || !int.TryParse(position.AsSpan(i + Marker.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var skip)) return (position, 0);
        var list = position[..i];
        return (list.Length == 0 ? null : list, skip);
    }
}
