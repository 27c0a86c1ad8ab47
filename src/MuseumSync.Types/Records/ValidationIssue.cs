namespace MuseumSync;

/// <summary>One reason a record failed validation: which field, which rule, and what to do about it.</summary>
/// <param name="Field">The source field (JSON property) the rule looked at, for example <c>creation_date_iso</c>.</param>
/// <param name="Rule">A stable rule id, for example <c>iso8601-date</c>.</param>
/// <param name="Message">A sentence a cataloguer can act on.</param>
public sealed record ValidationIssue(string Field, string Rule, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message} [{Rule}]";
}
