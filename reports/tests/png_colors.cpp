//===- png_colors.cpp - Counts pixels of given colours in a PNG -----------===//
//
// Lets the screenshot test check what the page shows, not only that a file
// exists: the red of the lock graph's cycle edges, the severity badges.
//
//   reports_png_colors FILE RRGGBB...
//
// prints "WIDTHxHEIGHT" and then, per colour, "RRGGBB COUNT".  Only what
// Chromium writes is read: 8-bit RGB or RGBA, not interlaced.
//
//===----------------------------------------------------------------------===//

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Compression.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <vector>

using namespace llvm;

static uint32_t bigEndian32(const uint8_t *P) {
  return uint32_t(P[0]) << 24 | uint32_t(P[1]) << 16 | uint32_t(P[2]) << 8 |
         P[3];
}

[[noreturn]] static void fail(const Twine &Why) {
  errs() << "reports_png_colors: " << Why << "\n";
  std::exit(2);
}

/// The Paeth predictor of the PNG specification.
static uint8_t paeth(int A, int B, int C) {
  int P = A + B - C;
  int PA = std::abs(P - A), PB = std::abs(P - B), PC = std::abs(P - C);
  if (PA <= PB && PA <= PC)
    return A;
  return PB <= PC ? B : C;
}

int main(int argc, char **argv) {
  if (argc < 3)
    fail("usage: reports_png_colors FILE RRGGBB...");
  auto File = MemoryBuffer::getFile(argv[1], /*IsText=*/false);
  if (!File)
    fail(Twine(argv[1]) + ": " + File.getError().message());
  ArrayRef<uint8_t> Data(
      reinterpret_cast<const uint8_t *>((*File)->getBufferStart()),
      (*File)->getBufferSize());
  const uint8_t Signature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (Data.size() < 33 || !std::equal(Signature, Signature + 8, Data.begin()))
    fail("not a PNG");

  uint32_t Width = 0, Height = 0;
  unsigned Channels = 0;
  std::vector<uint8_t> Compressed;
  for (size_t Pos = 8; Pos + 12 <= Data.size();) {
    uint32_t Length = bigEndian32(&Data[Pos]);
    StringRef Type(reinterpret_cast<const char *>(&Data[Pos + 4]), 4);
    const uint8_t *Body = &Data[Pos + 8];
    if (Pos + 12 + Length > Data.size())
      fail("truncated chunk");
    if (Type == "IHDR") {
      Width = bigEndian32(Body);
      Height = bigEndian32(Body + 4);
      unsigned Depth = Body[8], ColorType = Body[9], Interlace = Body[12];
      if (Depth != 8 || (ColorType != 2 && ColorType != 6) || Interlace)
        fail("only 8-bit RGB or RGBA without interlacing is read");
      Channels = ColorType == 2 ? 3 : 4;
    } else if (Type == "IDAT") {
      Compressed.insert(Compressed.end(), Body, Body + Length);
    }
    Pos += 12 + Length;
  }
  if (!Channels)
    fail("no IHDR chunk");
  if (!compression::zlib::isAvailable())
    fail("LLVM was built without zlib");

  size_t Stride = size_t(Width) * Channels;
  SmallVector<uint8_t, 0> Raw;
  if (Error E =
          compression::zlib::decompress(Compressed, Raw, (Stride + 1) * Height))
    fail(toString(std::move(E)));
  if (Raw.size() != (Stride + 1) * Height)
    fail("image data of the wrong size");

  // Undo the per-row filters in place; row Y's bytes start at Y*(Stride+1)+1.
  for (uint32_t Y = 0; Y < Height; ++Y) {
    uint8_t Filter = Raw[Y * (Stride + 1)];
    uint8_t *Row = &Raw[Y * (Stride + 1) + 1];
    const uint8_t *Up = Y ? Row - (Stride + 1) : nullptr;
    for (size_t I = 0; I < Stride; ++I) {
      int A = I >= Channels ? Row[I - Channels] : 0;
      int B = Up ? Up[I] : 0;
      int C = Up && I >= Channels ? Up[I - Channels] : 0;
      switch (Filter) {
      case 0:
        break;
      case 1:
        Row[I] += A;
        break;
      case 2:
        Row[I] += B;
        break;
      case 3:
        Row[I] += (A + B) / 2;
        break;
      case 4:
        Row[I] += paeth(A, B, C);
        break;
      default:
        fail("bad filter type");
      }
    }
  }

  outs() << Width << "x" << Height << "\n";
  for (int Arg = 2; Arg < argc; ++Arg) {
    StringRef Hex(argv[Arg]);
    uint32_t Want;
    if (Hex.size() != 6 || Hex.getAsInteger(16, Want))
      fail(Twine("bad colour '") + Hex + "'");
    size_t Count = 0;
    for (uint32_t Y = 0; Y < Height; ++Y) {
      const uint8_t *Row = &Raw[Y * (Stride + 1) + 1];
      for (uint32_t X = 0; X < Width; ++X) {
        const uint8_t *P = Row + size_t(X) * Channels;
        Count += (uint32_t(P[0]) << 16 | uint32_t(P[1]) << 8 | P[2]) == Want;
      }
    }
    outs() << Hex.lower() << " " << Count << "\n";
  }
  return 0;
}
