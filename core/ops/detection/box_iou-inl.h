// _contrib_box_iou (MXNet's contrib/bounding_box): the intersection over union of every box
// of lhs (..., 4) with every box of rhs (..., 4), out (lhs dims..., rhs dims...) without the
// two 4s; boxes as (xmin, ymin, xmax, ymax) (format corner) or (x, y, width, height) (center).
// Boxes that do not overlap give 0. MXNet back-propagates zero gradients; so does Tessera.
#ifndef TESSERA_CORE_OPS_DETECTION_BOX_IOU_INL_H_
#define TESSERA_CORE_OPS_DETECTION_BOX_IOU_INL_H_

#include <string>
#include <vector>

#include "core/ops/detection/box_nms-inl.h"

namespace mx {

struct BoxIoUParam {
  std::string format;
  void Declare(ParamDeclarer* d) {
    d->Declare("format", &format, std::string("corner"))
        .Enum({"corner", "center"})
        .Describe("corner: (xmin, ymin, xmax, ymax); center: (x, y, width, height).");
  }
};

// out[i] for box i / n_rhs of lhs and i % n_rhs of rhs.
struct BoxIoUMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* lhs, const T* rhs, T* out, int64_t n_rhs,
                             bool center, int req) {
    const T* a = lhs + (i / n_rhs) * 4;
    const T* b = rhs + (i % n_rhs) * 4;
    double inter = NMSIntersect(ConvertValue<double>(a[0]), ConvertValue<double>(a[2]),
                                ConvertValue<double>(b[0]), ConvertValue<double>(b[2]), center) *
                   NMSIntersect(ConvertValue<double>(a[1]), ConvertValue<double>(a[3]),
                                ConvertValue<double>(b[1]), ConvertValue<double>(b[3]), center);
    double iou = inter <= 0 ? 0.0 : inter / (NMSArea(a, center) + NMSArea(b, center) - inter);
    mop::Assign(out + i, req, ConvertValue<T>(iou));
  }
};

template <typename xpu>
void BoxIoUCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                   const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  bool center = attrs.get<BoxIoUParam>().format == "center";
  int64_t n_rhs = in[1].size() / 4;
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "_contrib_box_iou", {
    Kernel<xpu>::template Launch<BoxIoUMap>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                            in[1].ptr<T>(), out[0].ptr<T>(), n_rhs, center,
                                            static_cast<int>(req[0]));
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_DETECTION_BOX_IOU_INL_H_
