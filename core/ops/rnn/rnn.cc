// RNN's registration, shape and type inference, and its CPU kernels (the algorithm is in
// rnn-inl.h; GEMMs through DeviceGemm: oneDNN's sgemm or OpenBLAS on the CPU).
#include <cstring>

#include "core/ops/linalg/dot-inl.h"
#include "core/ops/rnn/rnn-inl.h"

namespace mx {

RnnDims MakeRnnDims(const RNNParam& p, const Shape& data) {
  MX_CHECK_AS(ValueError, p.state_size > 0 && p.num_layers > 0)
      << "operator RNN: state_size and num_layers must be positive, found state_size "
      << p.state_size << " and num_layers " << p.num_layers << ".";
  MX_CHECK_AS(NotImplementedError, !p.projection_size)
      << "operator RNN: projection_size (LSTMP) is not supported yet; drop the projection or "
         "build the layer from cells (mx.rnn.LSTMCell and a FullyConnected).";
  MX_CHECK_AS(NotImplementedError, !p.use_sequence_length)
      << "operator RNN: use_sequence_length is not supported yet (MXNet has it on cuDNN only); "
         "pad the sequences to one length, or mask the outputs with SequenceMask.";
  MX_CHECK_AS(ValueError, p.lstm_state_clip_min.has_value() == p.lstm_state_clip_max.has_value())
      << "operator RNN: lstm_state_clip_min and lstm_state_clip_max must be set together.";
  MX_CHECK_AS(ValueError, p.p >= 0 && p.p < 1)
      << "operator RNN: the dropout rate p must be in [0, 1), found " << p.p << ".";
  MX_CHECK_AS(ShapeError, data.ndim() == 3)
      << "operator RNN: data must be (sequence length, batch, input size) (layout TNC), found "
         "shape "
      << data << ".";
  RnnDims d;
  d.mode = p.mode == "rnn_relu"   ? kRnnRelu
           : p.mode == "rnn_tanh" ? kRnnTanh
           : p.mode == "lstm"     ? kLstm
                                  : kGru;
  d.T = data[0];
  d.N = data[1];
  d.I = data[2];
  d.H = p.state_size;
  d.L = p.num_layers;
  d.D = p.bidirectional ? 2 : 1;
  d.G = d.mode == kLstm ? 4 : d.mode == kGru ? 3 : 1;
  if (p.lstm_state_clip_min) {
    MX_CHECK_AS(ValueError, d.mode == kLstm && *p.lstm_state_clip_min <= *p.lstm_state_clip_max)
        << "operator RNN: state clipping needs mode lstm and lstm_state_clip_min <= "
           "lstm_state_clip_max, found mode "
        << p.mode << ", [" << *p.lstm_state_clip_min << ", " << *p.lstm_state_clip_max << "].";
    d.clip.on = true;
    d.clip.nan = p.lstm_state_clip_nan;
    d.clip.lo = *p.lstm_state_clip_min;
    d.clip.hi = *p.lstm_state_clip_max;
  }
  return d;
}

int RnnNumInputs(const RNNParam& p) { return p.mode == "lstm" ? 4 : 3; }

int RnnNumVisibleOutputs(const RNNParam& p) {
  if (!p.state_outputs) return 1;
  return p.mode == "lstm" ? 3 : 2;
}

template <>
void RnnCopyFromHost<CPU>(void* dst, const void* src, size_t bytes, void*) {
  std::memcpy(dst, src, bytes);
}

namespace {

std::vector<std::string> InputNames(const OpAttrs& a) {
  if (a.get<RNNParam>().mode == "lstm") return {"data", "parameters", "state", "state_cell"};
  return {"data", "parameters", "state"};
}

std::vector<std::string> OutputNames(const OpAttrs& a) {
  const auto& p = a.get<RNNParam>();
  std::vector<std::string> names = {"output"};
  if (p.state_outputs) names.push_back("state");
  if (p.state_outputs && p.mode == "lstm") names.push_back("state_cell");
  names.push_back("reserve");
  return names;
}

bool RnnShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<RNNParam>();
  if ((*in)[0].ndim() == 0) return false;
  RnnDims d = MakeRnnDims(p, (*in)[0]);
  Shape state{d.NumStates(), d.N, d.H};
  AssignShape(&(*in)[1], Shape{d.ParamSize()}, attrs, "parameters");
  AssignShape(&(*in)[2], state, attrs, "state");
  if (d.mode == kLstm) AssignShape(&(*in)[3], state, attrs, "state_cell");
  AssignShape(&(*out)[0], Shape{d.T, d.N, d.D * d.H}, attrs, "the output");
  int nvis = RnnNumVisibleOutputs(p);
  for (int i = 1; i < nvis; ++i) AssignShape(&(*out)[i], state, attrs, "the final state");
  AssignShape(&(*out)[nvis], Shape{d.ReserveSize()}, attrs, "the reserve");
  return true;
}

MX_REGISTER_OP(RNN)
    .Describe(
        "Fused recurrent layers over TNC data: rnn_relu, rnn_tanh, lstm, gru (see "
        "rnn-inl.h).")
    .Params<RNNParam>()
    .NumInputs([](const OpAttrs& a) { return RnnNumInputs(a.get<RNNParam>()); })
    .InputNames(InputNames)
    .NumOutputs([](const OpAttrs& a) { return RnnNumVisibleOutputs(a.get<RNNParam>()) + 1; })
    .OutputNames(OutputNames)
    .NumVisibleOutputs([](const OpAttrs& a) { return RnnNumVisibleOutputs(a.get<RNNParam>()); })
    .InferShape(RnnShape)
    .InferType(SameTypeInferType)
    .RequestRandom()
    .Compute(DeviceType::kCPU, RnnForward<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      const auto& p = attrs.get<RNNParam>();
      int nvis = RnnNumVisibleOutputs(p), nin = RnnNumInputs(p);
      std::vector<GradEntry> in;
      for (int i = 0; i < nvis; ++i) in.push_back(ctx->OutGrad(i));
      for (int i = 0; i < nin; ++i) in.push_back(ctx->Input(i));
      in.push_back(ctx->Output(nvis));
      return ctx->Op("_backward_RNN", in, attrs.dict);
    });

MX_REGISTER_OP(_backward_RNN)
    .Describe(
        "Gradient of RNN: inputs (the visible outputs' gradients, data, parameters, state"
        "[, state_cell], reserve).")
    .Params<RNNParam>()
    .NumInputs([](const OpAttrs& a) {
      const auto& p = a.get<RNNParam>();
      return RnnNumVisibleOutputs(p) + RnnNumInputs(p) + 1;
    })
    .NumOutputs([](const OpAttrs& a) { return RnnNumInputs(a.get<RNNParam>()); })
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      int nvis = RnnNumVisibleOutputs(attrs.get<RNNParam>());
      for (size_t i = 0; i < out->size(); ++i) {
        if ((*in)[nvis + i].ndim() == 0) return false;
        AssignShape(&(*out)[i], (*in)[nvis + i], attrs, "input gradient");
      }
      return true;
    })
    .InferType([](const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out) {
      int nvis = RnnNumVisibleOutputs(attrs.get<RNNParam>());
      for (size_t i = 0; i < out->size(); ++i) (*out)[i] = (*in)[nvis + i];
      return true;
    })
    .Compute(DeviceType::kCPU, RnnBackward<CPU>);

}  // namespace
}  // namespace mx
