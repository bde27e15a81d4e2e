// mx::Error and its typed subclasses raised as the Python classes of tessera.error (each a
// subclass of MXNetError and of the matching built-in). tessera.error hands its classes over with
// _set_error_classes at import; until then (never in practice) the built-in classes are used.
#include <map>
#include <string>

#include "core/base/error.h"
#include "python/src/bindings.h"

namespace mx {
namespace python {
namespace {

// Owned references to the classes, by Tessera's C++ class name; leaked (used up to exit).
std::map<std::string, PyObject*>& ErrorClasses() {
  static auto* classes = new std::map<std::string, PyObject*>();
  return *classes;
}

void Raise(const char* name, PyObject* fallback, const std::exception& e) {
  auto it = ErrorClasses().find(name);
  PyErr_SetString(it != ErrorClasses().end() ? it->second : fallback, e.what());
}

}  // namespace

void BindErrors(py::module_& m) {
  m.def("_set_error_classes", [](py::dict classes) {
    for (auto item : classes) {
      PyObject* cls = item.second.ptr();
      Py_INCREF(cls);
      ErrorClasses()[item.first.cast<std::string>()] = cls;
    }
  });
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ShapeError& e) {
      Raise("ShapeError", PyExc_ValueError, e);
    } catch (const TypeError& e) {
      Raise("TypeError", PyExc_TypeError, e);
    } catch (const ContextError& e) {
      Raise("ContextError", PyExc_ValueError, e);
    } catch (const ValueError& e) {
      Raise("ValueError", PyExc_ValueError, e);
    } catch (const IndexError& e) {
      Raise("IndexError", PyExc_IndexError, e);
    } catch (const NotImplementedError& e) {
      Raise("NotImplementedError", PyExc_NotImplementedError, e);
    } catch (const OutOfMemoryError& e) {
      Raise("OutOfMemoryError", PyExc_MemoryError, e);
    } catch (const IOError& e) {
      Raise("IOError", PyExc_IOError, e);
    } catch (const DistError& e) {
      Raise("DistError", PyExc_RuntimeError, e);
    } catch (const InternalError& e) {
      Raise("InternalError", PyExc_RuntimeError, e);
    } catch (const Error& e) {
      Raise("MXNetError", PyExc_RuntimeError, e);
    }
  });
}

}  // namespace python
}  // namespace mx
