package health.portal.billing.statements;

import health.portal.billing.money.Money;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.TimeZone;

/**
 * Draws a statement with Apache PDFBox so that the same statement gives the same bytes every time: only the standard
 * 14 fonts (nothing embedded, no subset tags), the issue time as the document's dates, and a document /ID derived
 * from the statement id instead of PDFBox's time-based one.
 */
final class StatementPdf {

    private static final PDType1Font REGULAR = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    private static final PDType1Font BOLD = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
    private static final float MARGIN = 56;
    private static final float LINE = 15;
    private static final int DESCRIPTION_CHARS = 62;

    private StatementPdf() {}

    static byte[] render(StatementDocument document) {
        try (PDDocument pdf = new PDDocument()) {
            fixMetadata(pdf, document.statement());
            List<List<String[]>> pages = pages(document);
            for (int i = 0; i < pages.size(); i++) {
                drawPage(pdf, document, pages.get(i), i + 1, pages.size());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pdf.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void fixMetadata(PDDocument pdf, Statement statement) {
        PDDocumentInformation info = pdf.getDocumentInformation();
        Calendar issued = new GregorianCalendar(TimeZone.getTimeZone(ZoneOffset.UTC));
        issued.setTimeInMillis(statement.issuedAt().toEpochMilli());
        info.setCreationDate(issued);
        info.setModificationDate(issued);
        info.setTitle("Statement " + statement.periodEnd());
        info.setCreator("Patient portal billing");
        info.setProducer("Patient portal billing");
        byte[] id = Arrays.copyOf(sha256("statement:" + statement.statementId()), 16);
        COSArray ids = new COSArray();
        ids.add(new COSString(id));
        ids.add(new COSString(id));
        pdf.getDocument().getTrailer().setItem(COSName.ID, ids);
    }

    /** The rows as table lines, about 30 to a page. */
    private static List<List<String[]>> pages(StatementDocument document) {
        String currency = document.statement().currency();
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {
            "", "Previous balance", amount(document.statement().previousBalanceMinor(), currency)
        });
        for (StatementDocument.Row row : document.rows()) {
            lines.add(new String[] {row.date().toString(), cut(row.text()), amount(row.effectMinor(), currency)});
        }
        List<List<String[]>> pages = new ArrayList<>();
        for (int from = 0; from < lines.size(); from += 30) {
            pages.add(lines.subList(from, Math.min(lines.size(), from + 30)));
        }
        return pages;
    }

    private static void drawPage(PDDocument pdf, StatementDocument document, List<String[]> rows, int number, int of)
            throws IOException {
        PDPage page = new PDPage(PDRectangle.LETTER);
        pdf.addPage(page);
        Statement s = document.statement();
        String currency = s.currency();
        try (PDPageContentStream text = new PDPageContentStream(pdf, page)) {
            float y = page.getMediaBox().getHeight() - MARGIN;
            y = write(text, BOLD, 16, MARGIN, y, "Patient statement");
            y = write(text, REGULAR, 10, MARGIN, y - 4, document.accountName() + "  (account " + s.accountId() + ")");
            y = write(text, REGULAR, 10, MARGIN, y, "Statement " + s.statementId());
            y = write(
                    text,
                    REGULAR,
                    10,
                    MARGIN,
                    y,
                    "Period " + s.periodStart() + " to " + s.periodEnd() + "    Issued "
                            + s.issuedAt().atOffset(ZoneOffset.UTC).toLocalDate());
            if (number == 1) {
                y = address(text, document, y - LINE);
            }
            y = write(text, BOLD, 10, MARGIN, y - LINE, "Date         Description");
            write(text, BOLD, 10, 480, y + LINE, "Amount");
            for (String[] row : rows) {
                write(text, REGULAR, 10, MARGIN, y, row[0]);
                write(text, REGULAR, 10, MARGIN + 70, y, row[1]);
                y = write(text, REGULAR, 10, 480, y, row[2]);
            }
            if (number == of) {
                y = write(text, BOLD, 12, MARGIN, y - LINE, "Amount due: " + amount(s.amountDueMinor(), currency));
                write(text, REGULAR, 10, MARGIN, y, "Due by " + s.dueDate());
            }
            write(text, REGULAR, 8, MARGIN, MARGIN, "Page " + number + " of " + of);
        }
    }

    private static float address(PDPageContentStream text, StatementDocument document, float y) throws IOException {
        if (document.address().isEmpty()) {
            return y;
        }
        MailAddress a = document.address().get();
        y = write(text, REGULAR, 10, MARGIN, y, a.name());
        for (String line : a.lines()) {
            y = write(text, REGULAR, 10, MARGIN, y, line);
        }
        y = write(text, REGULAR, 10, MARGIN, y, a.city() + ", " + a.state() + " " + a.postalCode());
        return write(text, REGULAR, 10, MARGIN, y, a.country());
    }

    /** One line of text at (x, y); answers the next line's y. */
    private static float write(PDPageContentStream text, PDType1Font font, float size, float x, float y, String line)
            throws IOException {
        text.beginText();
        text.setFont(font, size);
        text.newLineAtOffset(x, y);
        text.showText(encodable(font, line));
        text.endText();
        return y - LINE;
    }

    static String amount(long minor, String currency) {
        return currency + " " + Money.of(minor, currency).amount();
    }

    private static String cut(String value) {
        return value.length() <= DESCRIPTION_CHARS ? value : value.substring(0, DESCRIPTION_CHARS - 3) + "...";
    }

    /** The standard fonts encode WinAnsi only: a character outside it (an EMR's text may have any) is shown as '?'. */
    private static String encodable(PDType1Font font, String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            String one = new String(Character.toChars(c));
            try {
                font.encode(one);
                out.append(Character.isISOControl(c) ? " " : one);
            } catch (IllegalArgumentException | IOException e) {
                out.append('?');
            }
        });
        return out.toString();
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
