namespace MuseumSync;

/// <summary>Who may see a record. A record without an access tier is <see cref="Public"/>.</summary>
public enum AccessTier
{
    /// <summary>Anyone.</summary>
    Public = 0,

    /// <summary>Researchers with an account.</summary>
    Research = 1,

    /// <summary>Staff only.</summary>
    Restricted = 2,
}
