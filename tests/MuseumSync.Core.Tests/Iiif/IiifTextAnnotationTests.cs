using System.Text.Json;
using MuseumSync.Core.Tests.Lido;
using MuseumSync.Iiif;
using MuseumSync.Ocr;

namespace MuseumSync.Core.Tests.Iiif;

/// <summary>An OCR text layer on a manifest: supplementing annotations, one per line, boxes scaled to the canvas.</summary>
public sealed class IiifTextAnnotationTests
{
    private const string Hocr = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
        <html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
         <body>
          <div class='ocr_page' id='page_1' title='image "/tmp/x/image"; bbox 0 0 2000 500; ppageno 0; scan_res 70 70'>
           <div class='ocr_carea' id='block_1_1' title="bbox 40 50 1800 400">
            <p class='ocr_par' id='par_1_1' lang='eng' title="bbox 40 50 1800 400">
             <span class='ocr_line' id='line_1_1' title="bbox 40 50 1000 110; baseline 0 -10; x_size 60">
              <span class='ocrx_word' id='word_1_1' title='bbox 40 50 300 110; x_wconf 96'>Seal</span>
              <span class='ocrx_word' id='word_1_2' title='bbox 320 50 1000 110; x_wconf 88'><strong>&amp; ribbon</strong></span>
             </span>
             <span class='ocr_header' id='line_1_2' title="bbox 40 300 1800 400">
              <span class='ocrx_word' id='word_1_3' title='bbox 40 300 1800 400; x_wconf 70'>“Harbour”</span>
             </span>
            </p>
           </div>
          </div>
         </body>
        </html>
        """;

    private static readonly IiifValidator s_validator = new();

    private static MuseumRecord Record() => new()
    {
        Source = "demo",
        ObjectId = "7",
        Title = "Label",
        MediaUrl = "https://media.example/iiif/3/7/full/max/0/default.jpg",
        IiifManifestUrl = "https://iiif.example/manifests/7/manifest.json",
        RawJson = "{}",
    };

    private static MuseumRecordText Layer(string hocr = Hocr) => new()
    {
        Source = "demo",
        ObjectId = "7",
        MediaUrl = "https://media.example/iiif/3/7/full/!2000,2000/0/default.jpg",
        ContentHash = new string('a', 64),
        Engine = "tesseract",
        EngineVersion = "5.3.0",
        Languages = "eng",
        MeanConfidence = 84.67,
        Text = "Seal & ribbon\n“Harbour”",
        Hocr = hocr,
        ImageWidth = 2000,
        ImageHeight = 500,
        WordCount = 3,
    };

    [Fact]
    public void Parse_TesseractHocr_PageLinesWordsAndConfidence()
    {
        var h = MuseumSync.Ocr.Hocr.Parse(Hocr);

        Assert.Equal((2000, 500), (h.Width, h.Height));
        Assert.Equal(["Seal & ribbon", "“Harbour”"], h.Lines.Select(l => l.Text));
        Assert.Equal(new HocrBox(40, 50, 960, 60), h.Lines[0].Box);
        Assert.Equal(new HocrWord("Seal", new HocrBox(40, 50, 260, 60), 96), h.Words.First());
        Assert.Equal(84.67, h.MeanConfidence);
        Assert.DoesNotContain("/tmp/x", MuseumSync.Ocr.Hocr.WithoutImagePath(Hocr), StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => MuseumSync.Ocr.Hocr.Parse("<html><body>"));
    }

    [Fact]
    public void Build_WithText_SupplementingLineAnnotationsScaledToTheCanvas()
    {
        var m = new IiifManifestBuilder(new IiifManifestOptions { CanvasWidth = 1000, CanvasHeight = 1000 }).Build(Record(), Layer());

        var r = s_validator.Validate(m.Json);
        Assert.True(r.IsValid, string.Join(Environment.NewLine, r.Errors) + m.Json);
        using var doc = JsonDocument.Parse(m.Json);
        var canvas = doc.RootElement.GetProperty("items")[0];
        var page = Assert.Single(canvas.GetProperty("annotations").EnumerateArray());
        Assert.Equal("AnnotationPage", page.GetProperty("type").GetString());
        var lines = page.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(2, lines.Length);
        Assert.All(lines, a => Assert.Equal("supplementing", a.GetProperty("motivation").GetString()));
        Assert.Equal("Seal & ribbon", lines[0].GetProperty("body").GetProperty("value").GetString());
        Assert.Equal("TextualBody", lines[0].GetProperty("body").GetProperty("type").GetString());
        // 2000 x 500 pixels onto a 1000 x 1000 canvas: x halves, y doubles.
        Assert.Equal("https://iiif.example/manifests/7/canvas/1#xywh=20,100,480,120", lines[0].GetProperty("target").GetString());
        Assert.Equal("https://iiif.example/manifests/7/canvas/1#xywh=20,600,880,200", lines[1].GetProperty("target").GetString());
    }

    [Fact]
    public void Build_WithoutTextOrWithUnreadableHocr_NoAnnotations()
    {
        var builder = new IiifManifestBuilder();

        Assert.DoesNotContain("annotations", builder.Build(Record()).Json, StringComparison.Ordinal);
        Assert.DoesNotContain("annotations", builder.Build(Record(), Layer("<html><body>")).Json, StringComparison.Ordinal);
    }

    [IiifFixtureFact]
    public void Build_WithText_PassesTheOfficialSchema()
    {
        var m = new IiifManifestBuilder().Build(Record(), Layer());

        Assert.True(OfficialIiifSchema.IsValid(m.Json), OfficialIiifSchema.Errors(m.Json) + Environment.NewLine + m.Json);
    }
}
