// _contrib_box_nms (MXNet's src/operator/contrib/bounding_box): non-maximum suppression over
// data (..., num, width), each row a box with a score, four coordinates and optionally a class
// id. Per batch, as MXNet 1.9 does it: rows with score > valid_thresh (and an id other than
// background_id) are sorted by score, descending and stable; of the first topk, each one kept
// suppresses the later ones of its class (every class with force_suppress) whose IoU with it
// exceeds overlap_thresh. The kept rows come first in the output, in score order, the rest are
// -1; coordinates convert between corner and center encodings where in/out formats differ
// (rows whose first coordinate is negative are left as they are, as in MXNet). A hidden second
// output records each output row's input row, for the gradient, which copies each kept row's
// output gradient back to its input row. topk = 0 passes data through.
#ifndef TESSERA_CORE_OPS_DETECTION_BOX_NMS_INL_H_
#define TESSERA_CORE_OPS_DETECTION_BOX_NMS_INL_H_

#include <string>
#include <vector>

#include "core/ndarray/copy_kernels.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/op/workspace.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/sort/index_sort.h"

namespace mx {

struct BoxNMSParam {
  double overlap_thresh, valid_thresh;
  int topk, coord_start, score_index, id_index, background_id;
  bool force_suppress;
  std::string in_format, out_format;
  void Declare(ParamDeclarer* d) {
    d->Declare("overlap_thresh", &overlap_thresh, 0.5).Describe("IoU above which a box goes.");
    d->Declare("valid_thresh", &valid_thresh, 0.0).Describe("Boxes need a score above this.");
    d->Declare("topk", &topk, -1).Describe("Boxes considered per batch, by score; -1: all.");
    d->Declare("coord_start", &coord_start, 2).Describe("Index of the first coordinate.");
    d->Declare("score_index", &score_index, 1).Describe("Index of the score.");
    d->Declare("id_index", &id_index, -1).Describe("Index of the class id; -1: no classes.");
    d->Declare("background_id", &background_id, -1).Describe("Class id that is ignored.");
    d->Declare("force_suppress", &force_suppress, false)
        .Describe("Suppress across classes too.");
    d->Declare("in_format", &in_format, std::string("corner"))
        .Enum({"corner", "center"})
        .Describe("corner: (xmin, ymin, xmax, ymax); center: (x, y, width, height).");
    d->Declare("out_format", &out_format, std::string("corner"))
        .Enum({"corner", "center"})
        .Describe("The output's encoding.");
  }
};

struct NMSGeometry {
  int64_t num, width;
  int coord, score, id, background, topk;  // topk resolved: at most num
  bool force, center_in, center_out;
  double overlap, valid;
};

// Length of the overlap of [a0, a1] and [b0, b1] (corner) or of the intervals centred at a0, b0
// with widths a1, b1 (center).
MX_XINLINE double NMSIntersect(double a0, double a1, double b0, double b1, bool center) {
  double l, r;
  if (center) {
    l = a0 - a1 / 2 > b0 - b1 / 2 ? a0 - a1 / 2 : b0 - b1 / 2;
    r = a0 + a1 / 2 < b0 + b1 / 2 ? a0 + a1 / 2 : b0 + b1 / 2;
  } else {
    l = a0 > b0 ? a0 : b0;
    r = a1 < b1 ? a1 : b1;
  }
  return r - l > 0 ? r - l : 0.0;
}

template <typename T>
MX_XINLINE double NMSArea(const T* box, bool center) {
  double w = ConvertValue<double>(box[2]), h = ConvertValue<double>(box[3]);
  if (!center) {
    w -= ConvertValue<double>(box[0]);
    h -= ConvertValue<double>(box[1]);
  }
  return w < 0 || h < 0 ? 0.0 : w * h;
}

template <typename T>
MX_XINLINE double NMSIoU(const T* a, const T* b, bool center) {
  double inter = NMSIntersect(ConvertValue<double>(a[0]), ConvertValue<double>(a[2]),
                              ConvertValue<double>(b[0]), ConvertValue<double>(b[2]), center) *
                 NMSIntersect(ConvertValue<double>(a[1]), ConvertValue<double>(a[3]),
                              ConvertValue<double>(b[1]), ConvertValue<double>(b[3]), center);
  return inter / (NMSArea(a, center) + NMSArea(b, center) - inter);  // 0/0: NaN, kept
}

// Batch b, sequentially (one thread per batch on a GPU); `work` holds 2 * num indices a batch.
struct BoxNMSMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t b, const T* in, T* out, T* record, int64_t* work,
                             NMSGeometry g) {
    const T* rows = in + b * g.num * g.width;
    T* orow = out + b * g.num * g.width;
    T* rec = record + b * g.num;
    int64_t* idx = work + b * 2 * g.num;
    int64_t* tmp = idx + g.num;
    if (g.topk == 0) {  // MXNet: the data unchanged, each row its own record
      for (int64_t i = 0; i < g.num * g.width; ++i) orow[i] = rows[i];
      for (int64_t i = 0; i < g.num; ++i) rec[i] = ConvertValue<T>(double(b * g.num + i));
      return;
    }
    int64_t m = 0;
    for (int64_t i = 0; i < g.num; ++i) {
      const T* r = rows + i * g.width;
      bool valid = ConvertValue<double>(r[g.score]) > g.valid &&
                   (g.id < 0 || ConvertValue<double>(r[g.id]) != g.background);
      if (valid) idx[m++] = i;
    }
    int64_t score = g.score, width = g.width;
    StableSortIndices(idx, tmp, m, [rows, score, width](int64_t a, int64_t c) {  // descending
      return ConvertValue<double>(rows[a * width + score]) >
             ConvertValue<double>(rows[c * width + score]);
    });
    int64_t k = m < g.topk ? m : g.topk;
    for (int64_t ref = 0; ref < k; ++ref) {
      if (idx[ref] < 0) continue;
      const T* a = rows + idx[ref] * g.width;
      for (int64_t pos = ref + 1; pos < k; ++pos) {
        if (idx[pos] < 0) continue;
        const T* c = rows + idx[pos] * g.width;
        if (!g.force && g.id >= 0 &&
            static_cast<int64_t>(ConvertValue<double>(a[g.id])) !=
                static_cast<int64_t>(ConvertValue<double>(c[g.id])))
          continue;
        if (NMSIoU(a + g.coord, c + g.coord, g.center_in) > g.overlap) idx[pos] = -1;
      }
    }
    for (int64_t i = 0; i < g.num * g.width; ++i) orow[i] = ConvertValue<T>(-1.0);
    for (int64_t i = 0; i < g.num; ++i) rec[i] = ConvertValue<T>(-1.0);
    int64_t count = 0;
    for (int64_t j = 0; j < k; ++j) {
      if (idx[j] < 0) continue;
      T* o = orow + count * g.width;
      for (int64_t e = 0; e < g.width; ++e) o[e] = rows[idx[j] * g.width + e];
      rec[count] = ConvertValue<T>(double(b * g.num + idx[j]));
      ++count;
      if (g.center_in == g.center_out || ConvertValue<double>(o[g.coord]) < 0) continue;
      double x0 = ConvertValue<double>(o[g.coord]), y0 = ConvertValue<double>(o[g.coord + 1]);
      double x1 = ConvertValue<double>(o[g.coord + 2]), y1 = ConvertValue<double>(o[g.coord + 3]);
      if (g.center_out) {  // corner -> center
        o[g.coord] = ConvertValue<T>((x0 + x1) / 2);
        o[g.coord + 1] = ConvertValue<T>((y0 + y1) / 2);
        o[g.coord + 2] = ConvertValue<T>(x1 - x0);
        o[g.coord + 3] = ConvertValue<T>(y1 - y0);
      } else {  // center -> corner
        o[g.coord] = ConvertValue<T>(x0 - x1 / 2);
        o[g.coord + 1] = ConvertValue<T>(y0 - y1 / 2);
        o[g.coord + 2] = ConvertValue<T>(x0 + x1 / 2);
        o[g.coord + 3] = ConvertValue<T>(y0 + y1 / 2);
      }
    }
  }
};

// Output row i's gradient goes to input row record[i] (dx zeroed first unless req adds).
struct BoxNMSGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* og, const T* record, T* dx, int req,
                             int64_t width) {
    double r = ConvertValue<double>(record[i]);
    if (r < 0) return;
    int64_t row = static_cast<int64_t>(r);
    for (int64_t e = 0; e < width; ++e) mop::Assign(dx + row * width + e, req, og[i * width + e]);
  }
};

NMSGeometry MakeNMSGeometry(const BoxNMSParam& p, const Shape& data);

template <typename xpu>
void BoxNMSForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                   const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  MX_CHECK_AS(NotImplementedError, req[0] != OpReq::kAddTo)
      << "operator _contrib_box_nms does not support accumulation (kAddTo).";
  if (req[0] == OpReq::kNull || in[0].size() == 0) return;
  NMSGeometry g = MakeNMSGeometry(attrs.get<BoxNMSParam>(), in[0].shape);
  int64_t batches = in[0].size() / (g.num * g.width);
  int64_t* work = TypedWorkspace<int64_t, xpu>(2 * batches * g.num, WorkspaceSlot::kBoxNMS);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "_contrib_box_nms", {
    Kernel<xpu>::template Launch<BoxNMSMap>(ctx.run.stream, batches, in[0].ptr<T>(),
                                            out[0].ptr<T>(), out[1].ptr<T>(), work, g);
  });
}

// Inputs (ograd, record).
template <typename xpu>
void BoxNMSBackward(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                    const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  if (req[0] != OpReq::kAddTo) FillBlob(out[0], 0.0, ctx.run.stream);
  int64_t width = in[0].shape[in[0].shape.ndim() - 1];
  if (in[1].size() == 0) return;
  OpReq r = req[0] == OpReq::kAddTo ? OpReq::kAddTo : OpReq::kWrite;
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "_contrib_box_nms backward", {
    Kernel<xpu>::template Launch<BoxNMSGradMap>(ctx.run.stream, in[1].size(), in[0].ptr<T>(),
                                                in[1].ptr<T>(), out[0].ptr<T>(),
                                                static_cast<int>(r), width);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_DETECTION_BOX_NMS_INL_H_
