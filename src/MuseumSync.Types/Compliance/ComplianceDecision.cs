namespace MuseumSync.Compliance;

/// <summary>What the compliance rules decided for one record.</summary>
public sealed class ComplianceDecision
{
    /// <summary>The record's source.</summary>
    public required string Source { get; init; }

    /// <summary>The record's object id.</summary>
    public string? ObjectId { get; init; }

    /// <summary>The rights statement the decision was based on.</summary>
    public string? RightsStatement { get; init; }

    /// <summary>The record's embargo date.</summary>
    public DateOnly? EmbargoDate { get; init; }

    /// <summary>The tier the record arrived with.</summary>
    public AccessTier ArrivedTier { get; init; }

    /// <summary>The tier the rules assigned; null when the rights could not be classified.</summary>
    public AccessTier? AssignedTier { get; init; }

    /// <summary>The id of the rule that decided (or that could not).</summary>
    public required string Rule { get; init; }

    /// <summary>True when a tier was assigned; false means the record is dead-lettered with <see cref="Issue"/>.</summary>
    public bool IsClassified => AssignedTier is not null;

    /// <summary>Why the record cannot be stored (field, rule, message); null when it is classified.</summary>
    public ValidationIssue? Issue { get; init; }

    /// <summary>One sentence saying why.</summary>
    public required string Reason { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Source}/{ObjectId ?? "?"}: {AssignedTier?.ToString() ?? "unclassified"} ({Rule})";
}
