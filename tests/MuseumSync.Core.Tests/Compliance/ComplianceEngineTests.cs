using Microsoft.Extensions.Time.Testing;
using MuseumSync.Compliance;

namespace MuseumSync.Core.Tests.Compliance;

public sealed class ComplianceEngineTests
{
    private static readonly DateOnly s_today = new(2025, 6, 1);

    private static MuseumRecord Record(string? rights, DateOnly? embargo = null, AccessTier arrived = AccessTier.Public, string id = "1") => new()
    {
        Source = "demo",
        ObjectId = id,
        Title = "T",
        RightsStatement = rights,
        EmbargoDate = embargo,
        AccessTier = arrived,
        RawJson = "{}",
    };

    private static ComplianceEngine Engine(ComplianceRuleSet? rules = null) =>
        new(rules ?? ComplianceRuleSet.Default, new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 23, 59, 0, TimeSpan.Zero)));

    [Theory]
    [InlineData("http://rightsstatements.org/vocab/InC/1.0/", AccessTier.Research, "rights-in-copyright")]
    [InlineData("https://rightsstatements.org/vocab/InC-EDU/1.0/", AccessTier.Research, "rights-in-copyright")]
    [InlineData("http://rightsstatements.org/vocab/InC-OW-EU/1.0/", AccessTier.Research, "rights-in-copyright")]
    [InlineData("http://rightsstatements.org/vocab/NoC-US/1.0/", AccessTier.Public, "rights-no-copyright")]
    [InlineData("http://rightsstatements.org/vocab/NoC-OKLR/1.0/", AccessTier.Research, "rights-no-copyright-restricted")]
    [InlineData("http://rightsstatements.org/vocab/CNE/1.0/", AccessTier.Research, "rights-unevaluated")]
    [InlineData("http://rightsstatements.org/vocab/UND/1.0/", AccessTier.Research, "rights-unevaluated")]
    [InlineData("http://rightsstatements.org/vocab/NKC/1.0/", AccessTier.Public, "rights-no-known-copyright")]
    [InlineData("https://creativecommons.org/publicdomain/zero/1.0/", AccessTier.Public, "rights-public-domain")]
    [InlineData("https://creativecommons.org/publicdomain/mark/1.0/deed.de", AccessTier.Public, "rights-public-domain")]
    [InlineData("https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode", AccessTier.Public, "rights-open-license")]
    [InlineData("HTTP://CreativeCommons.org/licenses/by/4.0", AccessTier.Public, "rights-open-license")]
    public void Decide_DefaultRules_TierAndRuleFromTheRightsStatement(string rights, AccessTier tier, string rule)
    {
        var d = Engine().Decide(Record(rights), s_today);
        Assert.True(d.IsClassified);
        Assert.Equal(tier, d.AssignedTier);
        Assert.Equal(rule, d.Rule);
        Assert.Null(d.Issue);
    }

    [Fact]
    public void Decide_EmbargoInTheFuture_RestrictedUntilItPasses()
    {
        var embargoed = Record("https://creativecommons.org/publicdomain/zero/1.0/", embargo: new DateOnly(2025, 6, 1));
        var d = Engine().Decide(embargoed, s_today);
        Assert.Equal(AccessTier.Restricted, d.AssignedTier);
        Assert.Equal("embargo-active", d.Rule);
        Assert.Contains("embargoed until 2025-06-01", d.Reason, StringComparison.Ordinal);

        var after = Engine().Decide(embargoed, s_today.AddDays(1));
        Assert.Equal(AccessTier.Public, after.AssignedTier);
        Assert.Equal("rights-public-domain", after.Rule);
    }

    [Fact]
    public void Decide_TodayComesFromTheTimeProvider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 12, 31, 12, 0, 0, TimeSpan.Zero));
        var engine = new ComplianceEngine(ComplianceRuleSet.Default, time);
        var record = Record("http://rightsstatements.org/vocab/NoC-US/1.0/", embargo: new DateOnly(2030, 12, 31));
        Assert.Equal(AccessTier.Restricted, engine.Decide(record).AssignedTier);
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(AccessTier.Public, engine.Decide(record).AssignedTier);
    }

    [Fact]
    public void Decide_StricterArrivedTier_KeptUnlessTheRuleSetSaysOtherwise()
    {
        var record = Record("https://creativecommons.org/publicdomain/zero/1.0/", arrived: AccessTier.Restricted);
        var d = Engine().Decide(record, s_today);
        Assert.Equal(AccessTier.Restricted, d.AssignedTier);
        Assert.Equal("arrived-tier", d.Rule);
        Assert.Equal(AccessTier.Restricted, d.ArrivedTier);

        var loose = Engine(new ComplianceRuleSet { KeepStricterArrivedTier = false }).Decide(record, s_today);
        Assert.Equal(AccessTier.Public, loose.AssignedTier);
    }

    [Fact]
    public void Decide_UnknownOrMissingRights_UnclassifiedWithAnActionableIssue()
    {
        var unknown = Engine().Decide(Record("http://www.europeana.eu/rights/rr-f/", id: "42"), s_today);
        Assert.False(unknown.IsClassified);
        Assert.Equal("rights-unclassified", unknown.Rule);
        Assert.Equal(("rights_statement", "rights-unclassified"), (unknown.Issue!.Field, unknown.Issue.Rule));
        Assert.Contains("Record '42' of source 'demo'", unknown.Issue.Message, StringComparison.Ordinal);
        Assert.Contains("'http://www.europeana.eu/rights/rr-f/' matches no compliance rule", unknown.Issue.Message, StringComparison.Ordinal);
        Assert.Contains("add a rule for it", unknown.Issue.Message, StringComparison.Ordinal);

        var missing = Engine().Decide(Record(null), s_today);
        Assert.Equal("rights-missing", missing.Issue!.Rule);
        Assert.Contains("has no rights statement", missing.Issue.Message, StringComparison.Ordinal);

        // An embargo does not rescue a record whose rights nobody can classify.
        Assert.False(Engine().Decide(Record("no idea", embargo: new DateOnly(2099, 1, 1)), s_today).IsClassified);
    }

    [Fact]
    public void Decide_RuleFileTiersForUnknownAndMissingRights_Classified()
    {
        var engine = Engine(new ComplianceRuleSet { MissingRightsTier = AccessTier.Restricted, UnknownRightsTier = AccessTier.Research });
        Assert.Equal((AccessTier?)AccessTier.Restricted, engine.Decide(Record(null), s_today).AssignedTier);
        Assert.Equal((AccessTier?)AccessTier.Research, engine.Decide(Record("local:whatever"), s_today).AssignedTier);
    }

    [Fact]
    public void Decide_UserRulesComeFirst()
    {
        var rules = new ComplianceRuleSet
        {
            Rules = [new RightsRule("europeana-rr-f", "http://www.europeana.eu/rights/rr-f/*", AccessTier.Research), new RightsRule("cc-by-nc-research", "https://creativecommons.org/licenses/by-nc*", AccessTier.Research)],
        };
        Assert.Equal("europeana-rr-f", Engine(rules).Decide(Record("https://www.europeana.eu/rights/rr-f/"), s_today).Rule);
        Assert.Equal(AccessTier.Research, Engine(rules).Decide(Record("https://creativecommons.org/licenses/by-nc-sa/4.0/"), s_today).AssignedTier);
        Assert.Equal(AccessTier.Public, Engine(rules).Decide(Record("https://creativecommons.org/licenses/by-sa/4.0/"), s_today).AssignedTier);

        var onlyMine = new ComplianceRuleSet { Rules = rules.Rules, IncludeDefaultRules = false };
        Assert.False(Engine(onlyMine).Decide(Record("https://creativecommons.org/licenses/by-sa/4.0/"), s_today).IsClassified);
    }

    [Fact]
    public void RuleSet_RuleMakingInCopyrightPublic_Rejected()
    {
        var rules = new ComplianceRuleSet { Rules = [new RightsRule("oops", "http://rightsstatements.org/vocab/*", AccessTier.Public)], Origin = "rules.psd1" };
        var ex = Assert.Throws<ComplianceRulesException>(() => Engine(rules));
        Assert.Contains("Rule 'oops' in rules.psd1 would make In Copyright records", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ComplianceRulesException>(() => Engine(new ComplianceRuleSet { Rules = [new RightsRule("x", "https://rightsstatements.org/vocab/InC-EDU/1.0/", AccessTier.Public)] }));
    }

    [Fact]
    public void Decide_InCopyrightMappedPublicByUnknownRightsTier_NeverPublic()
    {
        // The only way In Copyright could reach a public rule is through IncludeDefaultRules = false and a public UnknownRights tier.
        var engine = Engine(new ComplianceRuleSet { IncludeDefaultRules = false, UnknownRightsTier = AccessTier.Public });
        var d = engine.Decide(Record("http://rightsstatements.org/vocab/InC/1.0/"), s_today);
        Assert.Equal(AccessTier.Research, d.AssignedTier);
        Assert.Equal("rights-in-copyright-floor", d.Rule);
    }

    [Fact]
    public void Apply_ClassifiedRecord_KeepsArrivedTierAndRecordsAssignedTierAndRule()
    {
        var record = Record("http://rightsstatements.org/vocab/InC/1.0/");
        var applied = Engine().Apply(record, out var decision);
        Assert.Same(record, applied);
        Assert.Equal(AccessTier.Public, applied.AccessTier);
        Assert.Equal(AccessTier.Research, applied.AssignedAccessTier);
        Assert.Equal("rights-in-copyright", applied.TierRule);
        Assert.NotNull(decision);
        Assert.True(applied.IsValid);
    }

    [Fact]
    public void Apply_UnclassifiableRecord_CopyCarriesTheIssueSoItIsDeadLettered()
    {
        var record = Record("whatever");
        record.EndOfPage = true;
        var applied = Engine().Apply(record, out var decision);
        Assert.NotSame(record, applied);
        Assert.False(applied.IsValid);
        Assert.Equal("rights-unclassified", Assert.Single(applied.Issues).Rule);
        Assert.True(applied.EndOfPage);
        Assert.Null(applied.AssignedAccessTier);
        Assert.Equal("rights-unclassified", applied.TierRule);
        Assert.False(decision!.IsClassified);
        Assert.True(record.IsValid);
    }

    [Fact]
    public void Apply_Deletion_UntouchedAndNotDeadLettered()
    {
        var deletion = new MuseumRecord { Source = "demo", ObjectId = "9", RawJson = "<header status=\"deleted\"/>", IsDeleted = true };
        Assert.Same(deletion, Engine().Apply(deletion, out var decision));
        Assert.Null(decision);
        Assert.True(deletion.IsValid);
    }

    [Fact]
    public void Apply_AlreadyInvalidRecord_Untouched()
    {
        var invalid = new MuseumRecord { Source = "demo", RawJson = "x", Issues = [new ValidationIssue("(record)", "json", "not JSON")] };
        Assert.Same(invalid, Engine().Apply(invalid, out var decision));
        Assert.Null(decision);
    }

    [Fact]
    public void ApplyFast_GivesTheSameTierRuleAndIssueAsApplyWithDecision_ForEveryKindOfRecord()
    {
        string?[] rights =
        [
            null, " ", "http://rightsstatements.org/vocab/InC/1.0/", "https://rightsstatements.org/vocab/NoC-US/1.0/",
            "http://rightsstatements.org/vocab/NoC-OKLR/1.0/", "https://creativecommons.org/publicdomain/zero/1.0/",
            "https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode", "Copyright the artist", "  https://creativecommons.org/publicdomain/mark/1.0/  ",
        ];
        DateOnly?[] embargoes = [null, s_today.AddDays(-1), s_today, s_today.AddDays(30)];
        var lenient = new ComplianceRuleSet { MissingRightsTier = AccessTier.Restricted, UnknownRightsTier = AccessTier.Research, KeepStricterArrivedTier = false };
        foreach (var rules in new[] { ComplianceRuleSet.Default, lenient })
        {
            var slow = Engine(rules);
            var fast = Engine(rules);
            var n = 0;
            foreach (var r in rights)
            {
                foreach (var e in embargoes)
                {
                    foreach (var arrived in Enum.GetValues<AccessTier>())
                    {
                        for (var repeat = 0; repeat < 2; repeat++) // the second time comes from the remembered classification
                        {
                            var id = (n++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                            var a = slow.Apply(Record(r, e, arrived, id), out _);
                            var b = fast.Apply(Record(r, e, arrived, id));
                            var what = $"rights '{r}', embargo {e}, arrived {arrived}";
                            Assert.True(a.AssignedAccessTier == b.AssignedAccessTier, what);
                            Assert.True(a.TierRule == b.TierRule, what);
                            Assert.True(a.IsValid == b.IsValid, what);
                            Assert.Equal(a.Issues.Select(i => i.ToString()), b.Issues.Select(i => i.ToString()));
                        }
                    }
                }
            }
        }
    }
}
