namespace MuseumSync.Lido.Quality;

/// <summary>A LIDO quality rule as users see it: its id (to select or silence it), its default severity and what it checks.</summary>
/// <param name="Id">The stable id, for example <c>title</c>.</param>
/// <param name="DefaultSeverity">The severity unless overridden.</param>
/// <param name="Description">What the rule checks, in one sentence.</param>
internal sealed record LidoRuleInfo(string Id, LidoSeverity DefaultSeverity, string Description);
