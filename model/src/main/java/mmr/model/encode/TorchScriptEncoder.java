package mmr.model.encode;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;

import mmr.model.image.Raster;
import mmr.model.vector.Vectors;

/**
 * Any TorchScript image model (e.g. a ResNet-18 traced with torchvision) loaded from a file through
 * DJL. The model is loaded once; predictors are pooled, one per concurrent caller.
 */
public final class TorchScriptEncoder implements ImageEncoder {
    private final ZooModel<Image, float[]> model;
    private final ConcurrentLinkedQueue<Predictor<Image, float[]>> idle = new ConcurrentLinkedQueue<>();
    private final List<Predictor<Image, float[]>> all = new ArrayList<>();
    private final EncoderIdentity identity;

    public TorchScriptEncoder(Path modelFile) {
        if (!Files.isRegularFile(modelFile)) {
            throw new IllegalArgumentException("TorchScript model file not found: '" + modelFile + "'");
        }
        Criteria<Image, float[]> criteria = Criteria.builder()
                .setTypes(Image.class, float[].class)
                .optEngine("PyTorch")
                .optModelPath(modelFile.toAbsolutePath())
                .optTranslator(new ImageNetFeatureTranslator())
                .build();
        try {
            this.model = criteria.loadModel();
        } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new IllegalArgumentException("cannot load TorchScript model '" + modelFile
                    + "': " + e.getMessage(), e);
        }
        String version = fileDigest(modelFile);
        int dimension;
        try {
            dimension = encode(new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB)).length;
        } catch (RuntimeException e) {
            model.close();
            throw new IllegalArgumentException("TorchScript model '" + modelFile
                    + "' does not take a 1x3x224x224 image tensor: " + e.getMessage(), e);
        }
        this.identity = new EncoderIdentity(EncoderGrammar.TORCHSCRIPT_NAME + stem(modelFile), dimension, version);
    }

    @Override
    public EncoderIdentity identity() {
        return identity;
    }

    @Override
    public float[][] encode(List<BufferedImage> images) {
        if (images.isEmpty()) {
            return new float[0][];
        }
        ImageFactory factory = ImageFactory.getInstance();
        List<Image> inputs = new ArrayList<>(images.size());
        for (BufferedImage image : images) {
            inputs.add(factory.fromImage(Raster.onWhite(image)));
        }
        Predictor<Image, float[]> predictor = borrow();
        try {
            List<float[]> out = predictor.batchPredict(inputs);
            float[][] rows = new float[out.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = Vectors.normaliseInPlace(out.get(i));
            }
            return rows;
        } catch (TranslateException e) {
            throw new IllegalStateException("TorchScript inference failed: " + e.getMessage(), e);
        } finally {
            idle.add(predictor);
        }
    }

    private Predictor<Image, float[]> borrow() {
        Predictor<Image, float[]> p = idle.poll();
        if (p != null) {
            return p;
        }
        Predictor<Image, float[]> created = model.newPredictor();
        synchronized (all) {
            all.add(created);
        }
        return created;
    }

    @Override
    public void close() {
        synchronized (all) {
            all.forEach(Predictor::close);
            all.clear();
        }
        idle.clear();
        model.close();
    }


    /** The file stem that names the encoder: lower case, other characters than {@code a-z0-9_.-} as '_'. */
    public static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = (dot > 0 ? name.substring(0, dot) : name).toLowerCase(Locale.ROOT);
        String clean = stem.replaceAll("[^a-z0-9_.-]", "_");
        return clean.isEmpty() ? "model" : clean;
    }

    /** First 12 hex digits of the file's SHA-256: a different weights file is a different encoder. */
    public static String fileDigest(Path file) {
        try {
            return ModelChecksum.of(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read TorchScript model '" + file + "': " + e.getMessage(), e);
        }
    }
}
