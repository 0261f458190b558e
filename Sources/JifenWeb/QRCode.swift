import CQRencode
import Foundation

/// A QR code made by Debian's libqrencode and drawn here as SVG from its module matrix.
public enum QRCode {
    /// libqrencode is thread-unsafe without pthread; one symbol at a time keeps it simple.
    static let lock = NSLock()

    /// The dark modules, row by row (`width` × `width`); nil when the text cannot be encoded.
    public static func matrix(_ text: String) -> (width: Int, dark: [Bool])? {
        lock.lock(); defer { lock.unlock() }
        guard let symbol = text.withCString({ QRcode_encodeString($0, 0, QR_ECLEVEL_M, QR_MODE_8, 1) }) else {
            return nil
        }
        defer { QRcode_free(symbol) }
        let width = Int(symbol.pointee.width)
        let data = symbol.pointee.data!
        return (width, (0..<width * width).map { data[$0] & 1 == 1 })
    }

    /// An SVG image of the code with a quiet zone of 4 modules, one path of dark squares;
    /// `label` is what a screen reader says.
    public static func svg(_ text: String, label: String, pixels: Int = 240) -> String {
        markup(text, label: label, pixels: pixels).html
    }

    /// The SVG as a page's markup: the label is text (escaped), the path only letters and digits.
    static func markup(_ text: String, label: String, pixels: Int = 240) -> Markup {
        guard let (width, dark) = matrix(text) else { return "" }
        let size = width + 8
        var path = ""
        for row in 0..<width {
            var column = 0
            while column < width {
                guard dark[row * width + column] else { column += 1; continue }
                var run = 1
                while column + run < width && dark[row * width + column + run] { run += 1 }
                path += "M\(column + 4) \(row + 4)h\(run)v1h-\(run)z"
                column += run
            }
        }
        return "<svg class=\"qr\" role=\"img\" aria-label=\"\(label)\" xmlns=\"http://www.w3.org/2000/svg\" "
            + "width=\"\(pixels)\" height=\"\(pixels)\" viewBox=\"0 0 \(size) \(size)\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"\(size)\" height=\"\(size)\" fill=\"#fff\"/><path fill=\"#000\" d=\"\(path)\"/></svg>"
    }
}
