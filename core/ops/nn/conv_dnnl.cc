#include "core/ops/nn/conv_dnnl.h"

#if TESSERA_HAVE_DNNL
#include <dnnl.hpp>
#endif

#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/base/error.h"

namespace mx {

#if TESSERA_HAVE_DNNL

namespace {

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

dnnl::engine& DnnlEngine() {
  static dnnl::engine* e = new dnnl::engine(dnnl::engine::kind::cpu, 0);
  return *e;
}

// Every primitive one geometry needs, built on first use.
struct ConvPrimitives {
  memory::desc user_src, user_wei, user_dst, bias;
  dnnl::convolution_forward::primitive_desc fwd_pd;
  dnnl::convolution_backward_data::primitive_desc bwd_data_pd;
  dnnl::convolution_backward_weights::primitive_desc bwd_wei_pd;
  dnnl::convolution_forward fwd;
  dnnl::convolution_backward_data bwd_data;
  dnnl::convolution_backward_weights bwd_wei;
};

using Key = std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,
                       int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, bool>;

struct Geometry {
  memory::dims strides, dilates, pad;
  bool has_bias;
};

// The three passes' primitive descriptors for the given source, weight and destination
// layouts (tag::any lets oneDNN choose).
void Describe(ConvPrimitives* p, const Geometry& g, const memory::desc& src,
              const memory::desc& wei, const memory::desc& dst) {
  auto algo = dnnl::algorithm::convolution_direct;
  auto fwd =
      g.has_bias
          ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algo, src, wei,
                                            p->bias, dst, g.strides, g.dilates, g.pad, g.pad)
          : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algo, src, wei, dst,
                                            g.strides, g.dilates, g.pad, g.pad);
  p->fwd_pd = dnnl::convolution_forward::primitive_desc(fwd, DnnlEngine());
  dnnl::convolution_backward_data::desc bd(algo, src, wei, dst, g.strides, g.dilates, g.pad, g.pad);
  p->bwd_data_pd = dnnl::convolution_backward_data::primitive_desc(bd, DnnlEngine(), p->fwd_pd);
  auto bw = g.has_bias ? dnnl::convolution_backward_weights::desc(
                             algo, src, wei, p->bias, dst, g.strides, g.dilates, g.pad, g.pad)
                       : dnnl::convolution_backward_weights::desc(algo, src, wei, dst, g.strides,
                                                                  g.dilates, g.pad, g.pad);
  p->bwd_wei_pd = dnnl::convolution_backward_weights::primitive_desc(bw, DnnlEngine(), p->fwd_pd);
}

// Layouts: oneDNN's choice (blocked), except where its forward keeps the source in plain NCHW,
// which it does for few input channels (a first layer: 1 or 3 channels). Its blocked output
// and gradients would then be reordered at full size in every call, which costs more than the
// convolution itself (8x3x224x224 -> 128, 2 threads: 375 ms per training step against 165 ms),
// so every pass is asked for plain layouts instead (oneDNN runs them as GEMMs).
std::shared_ptr<ConvPrimitives> Build(const DnnlConvShape& s, bool has_bias) {
  auto p = std::make_shared<ConvPrimitives>();
  memory::dims src = {s.n, s.c, s.h, s.w}, dst = {s.n, s.f, s.oh, s.ow};
  memory::dims wei = s.groups > 1
                         ? memory::dims{s.groups, s.f / s.groups, s.c / s.groups, s.g.kh, s.g.kw}
                         : memory::dims{s.f, s.c, s.g.kh, s.g.kw};
  Geometry g{{s.g.sh, s.g.sw}, {s.g.dh - 1, s.g.dw - 1}, {s.g.ph, s.g.pw}, has_bias};
  p->user_src = memory::desc(src, dt::f32, tag::nchw);
  p->user_dst = memory::desc(dst, dt::f32, tag::nchw);
  p->user_wei = memory::desc(wei, dt::f32, s.groups > 1 ? tag::goihw : tag::oihw);
  p->bias = memory::desc({s.f}, dt::f32, tag::x);
  Describe(p.get(), g, memory::desc(src, dt::f32, tag::any), memory::desc(wei, dt::f32, tag::any),
           memory::desc(dst, dt::f32, tag::any));
  if (p->fwd_pd.src_desc() == p->user_src && p->fwd_pd.dst_desc() != p->user_dst)
    Describe(p.get(), g, p->user_src, p->user_wei, p->user_dst);
  p->fwd = dnnl::convolution_forward(p->fwd_pd);
  p->bwd_data = dnnl::convolution_backward_data(p->bwd_data_pd);
  p->bwd_wei = dnnl::convolution_backward_weights(p->bwd_wei_pd);
  return p;
}

std::shared_ptr<ConvPrimitives> Get(const DnnlConvShape& s, bool has_bias) {
  static std::mutex mu;
  static std::map<Key, std::shared_ptr<ConvPrimitives>> cache;
  Key k{s.n,
        s.c,
        s.h,
        s.w,
        s.f,
        s.oh,
        s.ow,
        s.groups,
        s.g.kh,
        s.g.kw,
        s.g.sh * 1000 + s.g.sw,
        s.g.dh * 1000 + s.g.dw,
        s.g.ph,
        s.g.pw,
        has_bias};
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(k);
  if (it != cache.end()) return it->second;
  auto p = Build(s, has_bias);
  cache[k] = p;
  return p;
}

// `user` viewed in the primitive's layout `want`: the same memory, or a reordered copy.
memory In(const memory::desc& user_desc, const void* data, const memory::desc& want,
          dnnl::stream& st) {
  memory user(user_desc, DnnlEngine(), const_cast<void*>(data));
  if (want == user_desc) return user;
  memory m(want, DnnlEngine());
  dnnl::reorder(user, m).execute(st, user, m);
  return m;
}

// A result buffer in layout `have`; Finish copies (or adds) it into the user's array.
struct Out {
  memory user, mem;
  std::vector<float> tmp;
  bool add;
};

Out MakeOut(const memory::desc& user_desc, float* data, const memory::desc& have, bool add) {
  Out o;
  o.add = add;
  if (add) {
    o.tmp.resize(user_desc.get_size() / sizeof(float));
    o.user = memory(user_desc, DnnlEngine(), o.tmp.data());
  } else {
    o.user = memory(user_desc, DnnlEngine(), data);
  }
  o.mem = have == user_desc ? o.user : memory(have, DnnlEngine());
  return o;
}

void Finish(Out* o, float* data, dnnl::stream& st) {
  if (o->mem.get_desc() != o->user.get_desc())
    dnnl::reorder(o->mem, o->user).execute(st, o->mem, o->user);
  st.wait();
  if (o->add)
    for (size_t i = 0; i < o->tmp.size(); ++i) data[i] += o->tmp[i];
}

template <typename F>
bool Guard(F f) {
  try {
    f();
  } catch (const dnnl::error& e) {
    MX_THROW(InternalError) << "oneDNN convolution failed: " << e.what() << " (status "
                            << static_cast<int>(e.status) << ").";
  }
  return true;
}

}  // namespace

bool DnnlAvailable() { return true; }

bool DnnlConvForward(const DnnlConvShape& s, const float* x, const float* w, const float* b,
                     float* y, bool add) {
  return Guard([&] {
    auto p = Get(s, b != nullptr);
    dnnl::stream st(DnnlEngine());
    memory src = In(p->user_src, x, p->fwd_pd.src_desc(), st);
    memory wei = In(p->user_wei, w, p->fwd_pd.weights_desc(), st);
    Out dst = MakeOut(p->user_dst, y, p->fwd_pd.dst_desc(), add);
    std::unordered_map<int, memory> args = {
        {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst.mem}};
    if (b) args[DNNL_ARG_BIAS] = memory(p->bias, DnnlEngine(), const_cast<float*>(b));
    p->fwd.execute(st, args);
    Finish(&dst, y, st);
  });
}

bool DnnlConvBackward(const DnnlConvShape& s, const float* dy, const float* x, const float* w,
                      float* dx, bool add_dx, float* dw, bool add_dw, float* db, bool add_db) {
  return Guard([&] {
    auto p = Get(s, db != nullptr);
    dnnl::stream st(DnnlEngine());
    if (dx) {
      memory ddst = In(p->user_dst, dy, p->bwd_data_pd.diff_dst_desc(), st);
      memory wei = In(p->user_wei, w, p->bwd_data_pd.weights_desc(), st);
      Out dsrc = MakeOut(p->user_src, dx, p->bwd_data_pd.diff_src_desc(), add_dx);
      p->bwd_data.execute(
          st, {{DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DIFF_SRC, dsrc.mem}});
      Finish(&dsrc, dx, st);
    }
    if (dw || db) {
      std::vector<float> wtmp, btmp;
      float* wout = dw;
      if (!dw) {
        wtmp.resize(p->user_wei.get_size() / sizeof(float));
        wout = wtmp.data();
      }
      memory src = In(p->user_src, x, p->bwd_wei_pd.src_desc(), st);
      memory ddst = In(p->user_dst, dy, p->bwd_wei_pd.diff_dst_desc(), st);
      Out dwei = MakeOut(p->user_wei, wout, p->bwd_wei_pd.diff_weights_desc(), dw && add_dw);
      std::unordered_map<int, memory> args = {
          {DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_DIFF_WEIGHTS, dwei.mem}};
      if (db) {
        btmp.resize(static_cast<size_t>(s.f));
        args[DNNL_ARG_DIFF_BIAS] = memory(p->bias, DnnlEngine(), btmp.data());
      }
      p->bwd_wei.execute(st, args);
      Finish(&dwei, wout, st);
      if (db)
        for (int64_t f = 0; f < s.f; ++f) db[f] = (add_db ? db[f] : 0.0f) + btmp[f];
    }
  });
}

#else  // !TESSERA_HAVE_DNNL

bool DnnlAvailable() { return false; }
bool DnnlConvForward(const DnnlConvShape&, const float*, const float*, const float*, float*, bool) {
  return false;
}
bool DnnlConvBackward(const DnnlConvShape&, const float*, const float*, const float*, float*, bool,
                      float*, bool, float*, bool) {
  return false;
}

#endif

}  // namespace mx
