using MuseumSync.Lido;

namespace MuseumSync.Core.Tests.Lido;

/// <summary>Small LIDO documents written in the tests, and validators over the shared schema.</summary>
internal static class LidoTestData
{
    public static LidoValidator Validator(LidoVersion? version = null, IReadOnlyCollection<string>? rules = null, IReadOnlyDictionary<string, LidoSeverity>? severities = null) => new(new LidoValidationOptions
    {
        Version = version,
        Schema = new LidoSchemaOptions { SchemaPath = StandardsFixtures.LidoSchema, AllowDownload = false },
        Rules = rules,
        Severities = severities,
    });

    /// <summary>A validator that runs the quality rules only (no schema needed).</summary>
    public static LidoValidator RulesOnly(params string[] rules) => new(new LidoValidationOptions
    {
        ValidateSchema = false,
        Rules = rules.Length == 0 ? null : rules,
        Schema = new LidoSchemaOptions { AllowDownload = false },
    });

    /// <summary>A complete, valid LIDO 1.1 record; <paramref name="replace"/> edits it for one test.</summary>
    public static string Record(string id = "DE-MUS-000000/1", Func<string, string>? replace = null)
    {
        var xml = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <lido:lido xmlns:lido="http://www.lido-schema.org">
              <lido:lidoRecID lido:type="http://terminology.lido-schema.org/lido00100">{id}</lido:lidoRecID>
              <lido:descriptiveMetadata xml:lang="en">
                <lido:objectClassificationWrap>
                  <lido:objectWorkTypeWrap>
                    <lido:objectWorkType>
                      <lido:conceptID lido:type="http://terminology.lido-schema.org/lido00099">http://vocab.getty.edu/aat/300033618</lido:conceptID>
                      <lido:term xml:lang="en">painting</lido:term>
                    </lido:objectWorkType>
                  </lido:objectWorkTypeWrap>
                </lido:objectClassificationWrap>
                <lido:objectIdentificationWrap>
                  <lido:titleWrap>
                    <lido:titleSet>
                      <lido:appellationValue lido:pref="preferred">Harbour at Dawn</lido:appellationValue>
                    </lido:titleSet>
                  </lido:titleWrap>
                  <lido:repositoryWrap>
                    <lido:repositorySet>
                      <lido:repositoryName>
                        <lido:legalBodyName><lido:appellationValue>Sample Museum</lido:appellationValue></lido:legalBodyName>
                      </lido:repositoryName>
                      <lido:workID lido:type="inventory number">1889.1</lido:workID>
                    </lido:repositorySet>
                  </lido:repositoryWrap>
                </lido:objectIdentificationWrap>
                <lido:eventWrap>
                  <lido:eventSet>
                    <lido:event>
                      <lido:eventType><lido:term xml:lang="en">Production</lido:term></lido:eventType>
                      <lido:eventDate>
                        <lido:displayDate>1889</lido:displayDate>
                        <lido:date><lido:earliestDate>1889</lido:earliestDate><lido:latestDate>1890-02-28</lido:latestDate></lido:date>
                      </lido:eventDate>
                    </lido:event>
                  </lido:eventSet>
                </lido:eventWrap>
              </lido:descriptiveMetadata>
              <lido:administrativeMetadata xml:lang="en">
                <lido:rightsWorkWrap>
                  <lido:rightsWorkSet>
                    <lido:rightsType><lido:conceptID lido:type="http://terminology.lido-schema.org/lido00099">http://creativecommons.org/publicdomain/mark/1.0/</lido:conceptID></lido:rightsType>
                  </lido:rightsWorkSet>
                </lido:rightsWorkWrap>
                <lido:recordWrap>
                  <lido:recordID lido:type="http://terminology.lido-schema.org/lido00100">1</lido:recordID>
                  <lido:recordType><lido:term xml:lang="en">item</lido:term></lido:recordType>
                  <lido:recordSource>
                    <lido:legalBodyName><lido:appellationValue>Sample Museum</lido:appellationValue></lido:legalBodyName>
                  </lido:recordSource>
                  <lido:recordRights>
                    <lido:rightsType><lido:conceptID lido:type="http://terminology.lido-schema.org/lido00099">http://creativecommons.org/publicdomain/zero/1.0/</lido:conceptID></lido:rightsType>
                  </lido:recordRights>
                </lido:recordWrap>
                <lido:resourceWrap>
                  <lido:resourceSet>
                    <lido:resourceRepresentation>
                      <lido:linkResource>https://media.sample-museum.example/iiif/3/1/full/max/0/default.jpg</lido:linkResource>
                    </lido:resourceRepresentation>
                  </lido:resourceSet>
                </lido:resourceWrap>
              </lido:administrativeMetadata>
            </lido:lido>
            """;
        return replace is null ? xml : replace(xml);
    }

    /// <summary>Wraps records (given as complete documents) into one lidoWrap.</summary>
    public static string Wrap(params string[] records) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<lido:lidoWrap xmlns:lido=\"http://www.lido-schema.org\">\n"
        + string.Join("\n", records.Select(r => r[(r.IndexOf("<lido:lido ", StringComparison.Ordinal))..].Replace(" xmlns:lido=\"http://www.lido-schema.org\"", string.Empty, StringComparison.Ordinal)))
        + "\n</lido:lidoWrap>\n";

    public static LidoValidationResult Single(this IEnumerable<LidoValidationResult> results) => Assert.Single(results.ToList());

    public static string Describe(LidoValidationResult r) => $"{r.File}#{r.Index} {r.RecordId}: " + string.Join(Environment.NewLine, r.Errors.Select(e => e.ToString()));
}
