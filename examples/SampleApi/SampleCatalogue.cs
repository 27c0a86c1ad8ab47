namespace MuseumSync.SampleApi;

/// <summary>Static vocabulary the generator draws from.</summary>
internal static class SampleCatalogue
{
    internal sealed record Artist(string Name, string? Nationality);

    internal sealed record Work(string Title, string Department, string Classification, Artist? Artist);

    private const string European = "European Paintings";
    private const string Asian = "Asian Art";
    private const string Greek = "Greek and Roman Art";
    private const string Islamic = "Islamic Art";
    private const string Prints = "Prints and Drawings";
    private const string Photos = "Photographs";
    private const string Decorative = "European Sculpture and Decorative Arts";
    private const string Judaica = "Judaica";
    private const string Russian = "Russian Art";
    private const string Modern = "Modern and Contemporary Art";

    private static readonly Artist Monet = new("Claude Monet", "French");
    private static readonly Artist Morisot = new("Berthe Morisot", "French");
    private static readonly Artist Cezanne = new("Paul Cézanne", "French");
    private static readonly Artist Hokusai = new("Katsushika Hokusai", "Japanese");
    private static readonly Artist Sesshu = new("Sesshū Tōyō", "Japanese");
    private static readonly Artist FanKuan = new("Fan Kuan", "Chinese");
    private static readonly Artist Exekias = new("Workshop of Exekias", "Greek");
    private static readonly Artist Repin = new("Ilya Repin", "Russian");
    private static readonly Artist Kustodiev = new("Boris Kustodiev", "Russian");
    private static readonly Artist Rubin = new("Reuven Rubin", "Israeli");
    private static readonly Artist Said = new("Mahmoud Saïd", "Egyptian");
    private static readonly Artist Durer = new("Albrecht Dürer", "German");
    private static readonly Artist Vermeer = new("Johannes Vermeer", "Dutch");
    private static readonly Artist Kroyer = new("Peder Severin Krøyer", "Danish");
    private static readonly Artist Kahlo = new("Frida Kahlo", "Mexican");
    private static readonly Artist AfKlint = new("Hilma af Klint", "Swedish");
    private static readonly Artist Cameron = new("Julia Margaret Cameron", "British");
    private static readonly Artist Unknown = new("Unknown maker", null);
    private static readonly Artist Anonymous = new("Anonymous", null);

    public static readonly IReadOnlyList<Work> Works =
    [
        new("Nymphéas", European, "Paintings", Monet),
        new("Le Bassin aux nymphéas, harmonie verte", European, "Paintings", Monet),
        new("La Liseuse", European, "Paintings", Morisot),
        new("Jeune fille au bal", European, "Paintings", Morisot),
        new("Study for \"The Bathers\"", Prints, "Drawings", Cezanne),
        new("Nature morte aux pêches", European, "Paintings", Cezanne),
        new("Paysage près d'Aix-en-Provence", European, "Paintings", Cezanne),
        new("Søndag på Skagen", European, "Paintings", Kroyer),
        new("View of Delft from the South", European, "Paintings", Vermeer),
        new("Mädchen am Fenster", European, "Paintings", null),
        new("Selbstbildnis mit Eryngium", Prints, "Drawings", Durer),
        new("Melencolia I", Prints, "Prints", Durer),
        new("Señora en azul", Modern, "Paintings", Kahlo),
        new("Die Zehn Größten, Nr. 3 (Jugend)", Modern, "Paintings", AfKlint),
        new("Mrs. Herbert Duckworth", Photos, "Photographs", Cameron),
        new("山水図 (Landscape)", Asian, "Paintings", Sesshu),
        new("富嶽三十六景 神奈川沖浪裏", Asian, "Prints", Hokusai),
        new("北斎漫画 第十二編", Asian, "Books", Hokusai),
        new("花鳥図屏風", Asian, "Screens", Unknown),
        new("茶碗 銘「初雪」", Asian, "Ceramics", Anonymous),
        new("能面 小面", Asian, "Sculpture", null),
        new("溪山行旅圖", Asian, "Paintings", FanKuan),
        new("青花纏枝蓮紋梅瓶", Asian, "Ceramics", null),
        new("秋林觀瀑圖", Asian, "Paintings", Anonymous),
        new("墨竹圖 (Ink Bamboo)", Asian, "Paintings", null),
        new("Ἀθηνᾶ Παρθένος", Greek, "Sculpture", null),
        new("Λήκυθος με σκηνή αποχαιρετισμού", Greek, "Vases", Unknown),
        new("Ἀμφορεύς: Ἀχιλλεὺς καὶ Αἴας πεσσεύοντες", Greek, "Vases", Exekias),
        new("Κόρη από την Ακρόπολη", Greek, "Sculpture", null),
        new("مخطوطة قرآنية", Islamic, "Manuscripts", Anonymous),
        new("إبريق من النحاس المطعم بالفضة", Islamic, "Metalwork", null),
        new("صفحة من الشاهنامه", Islamic, "Manuscripts", Unknown),
        new("بنات بحري", Modern, "Paintings", Said),
        new("Портрет купца", Russian, "Paintings", Kustodiev),
        new("Зимний пейзаж", Russian, "Paintings", null),
        new("Икона «Богоматерь Умиление»", Russian, "Icons", Anonymous),
        new("Бурлаки на Волге (эскиз)", Russian, "Drawings", Repin),
        new("Натюрморт с самоваром", Russian, "Paintings", Unknown),
        new("הגדה של פסח", Judaica, "Manuscripts", Anonymous),
        new("מנורת חנוכה", Judaica, "Metalwork", null),
        new("נוף ירושלים", Modern, "Paintings", Rubin),
        new("Untitled \\ Composition No. 7", Modern, "Paintings", null),
        new("Sketchbook page: \"Paris, 1889\"", Prints, "Drawings", Unknown),
        new("Poster: 🎨 Art for All", Modern, "Posters", null),
        new("Tile with 🌸 cherry-blossom motif", Decorative, "Ceramics", Unknown),
        new("Portrait of a Young Woman", European, "Paintings", Anonymous),
        new("Still Life with Lemons", European, "Paintings", null),
        new("Ceremonial Ewer", Decorative, "Metalwork", Unknown),
        new("Fragment of a Tapestry: The Hunt", Decorative, "Textiles", null),
        new("Harbour at Dawn, Étretat", Photos, "Photographs", Anonymous),
    ];

    public static readonly IReadOnlyList<string> TitleSuffixes =
    [
        " (detail)", " (study)", ", No. 2", ", second state", " (fragment)", " — verso",
    ];

    public static readonly IReadOnlyList<string> RightsStatements =
    [
        "http://rightsstatements.org/vocab/InC/1.0/",
        "http://rightsstatements.org/vocab/InC-EDU/1.0/",
        "http://rightsstatements.org/vocab/NoC-US/1.0/",
        "http://rightsstatements.org/vocab/CNE/1.0/",
        "http://rightsstatements.org/vocab/UND/1.0/",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "https://creativecommons.org/publicdomain/mark/1.0/",
        "https://creativecommons.org/licenses/by/4.0/",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    ];

    public static readonly IReadOnlyList<string> BadCreationDates =
        ["2021-13-45", "2019-02-30T10:00:00Z", "2020/05/01", "circa 1850", "1850-00-00"];

    public static readonly IReadOnlyList<string> BadEmbargoDates = ["2024-02-30", "31/12/2025", "never"];

    public const string BadAccessTier = "secret";

    public static string MediaUrl(string objectId) =>
        $"https://media.sample-museum.example/iiif/3/{objectId}/full/max/0/default.jpg";

    public static string ManifestUrl(string objectId) =>
        $"https://iiif.sample-museum.example/manifests/{objectId}/manifest.json";
}
