import Foundation
import FuzzSupport
import ModelStore

// `FuzzModelFile --seeds-from MODEL.dcm… DIR` writes each model in the three input forms (raw, to be
// sealed, open) as seeds; anything else is a fuzz run or a replay.
let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.first == "--seeds-from" else { FuzzMain.run("FuzzModelFile", FuzzModelFile.testOneInput) }
guard arguments.count >= 3, let directory = arguments.last else { FuzzMain.fail("usage: FuzzModelFile --seeds-from MODEL.dcm… DIR", code: 2) }
for path in arguments.dropFirst().dropLast() {
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    let open = try OpenModelFile.unpack(try ModelFile.decode(bytes, path: path))
    let stem = directory + "/" + URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    try Data([0] + bytes).write(to: URL(fileURLWithPath: stem + ".raw"))
    try Data([1] + bytes.dropLast(32)).write(to: URL(fileURLWithPath: stem + ".unsealed"))
    try Data([2] + open).write(to: URL(fileURLWithPath: stem + ".open"))
}
